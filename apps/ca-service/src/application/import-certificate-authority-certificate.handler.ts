import type { CommandMessage } from '@pki/contracts';
import type { CaContext } from './ca-context';
import { readOfferedImport } from './ca-certificate-reader';
import { executeCaCommand } from './ca-command';
import { requestMeta, resolveCa } from './lifecycle-command';

interface ImportInput {
  readonly CertificateAuthorityArn: string;
  /** Blobs arrive base64-encoded (awsJson1_1); the bytes are PEM text. */
  readonly Certificate: string;
  readonly CertificateChain?: string;
}

const pemText = (blob: string): string => Buffer.from(blob, 'base64').toString('utf8');

/**
 * ImportCertificateAuthorityCertificate: the members are read here (ca-certificate-reader.ts) and
 * every documented rule is checked in the decider (domain/ca-certificate-import.ts).
 */
export function importCertificateAuthorityCertificateHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as ImportInput;
    const row = await resolveCa(context, message, 'ImportCertificateAuthorityCertificate');
    const certificate = pemText(input.Certificate);
    const chain = input.CertificateChain === undefined ? undefined : pemText(input.CertificateChain);
    await executeCaCommand(
      context,
      row.id,
      () => ({ type: 'ImportCertificateAuthorityCertificate', offered: readOfferedImport(certificate, chain === undefined || chain.trim() === '' ? undefined : chain), now: context.now() }),
      requestMeta(message, row),
    );
    return {};
  };
}
