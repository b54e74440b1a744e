import type { SignaturePurpose } from '@pki/contracts';
import { counter, histogram, timed } from '@pki/service-kit';
import type { KeyCustody } from './key-custody.port';

const signatures = counter('pki_signatures_total', 'Signatures made with CA keys, by key backend (software, pkcs11) and purpose', ['backend', 'purpose']);
const signingErrors = counter('pki_signing_errors_total', 'Signing operations of the key backend that failed (HSM or key errors), by key backend and purpose', ['backend', 'purpose']);
const signingLatency = histogram('pki_signing_duration_seconds', 'Time the key backend takes to make one signature, by key backend', ['backend'], [0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1]);

/** Times one signature of the key backend and counts it, or its failure (rethrown). */
export function observeSigning(backend: KeyCustody['backend'], purpose: SignaturePurpose, sign: () => Promise<Uint8Array>): Promise<Uint8Array> {
  return timed(signingLatency, sign, (o) => {
    (o.ok ? signatures : signingErrors).inc({ backend, purpose });
    return { backend };
  });
}
