import { DomainError, type EventMetadata } from '@pki/contracts';
import { ConcurrencyError } from '@pki/eventstore';
import { decide, evolve, initialState, type CertificateAuthorityCommand, type CertificateAuthorityState } from '../domain/certificate-authority.decider';
import { caStream, type CertificateAuthorityEvent } from '../domain/certificate-authority.events';
import { caDb } from '../infrastructure/database';
import { certificateAuthorityFacts, deleteCertificateAuthority, updateCertificateAuthority } from '../infrastructure/certificate-authority.queries';
import type { CaContext } from './ca-context';

/** How often a command is re-decided when another writer appended first. */
const MAX_ATTEMPTS = 3;

export async function loadCertificateAuthority(context: CaContext, id: string): Promise<{ state: CertificateAuthorityState; version: number }> {
  const stored = await context.store.load(caStream(id));
  const state = stored.reduce((s, e) => evolve(s, e as unknown as CertificateAuthorityEvent), initialState);
  return { state, version: stored.length };
}

/**
 * load -> decide -> append, with the read model written in the append's transaction. A
 * concurrent writer makes the command be decided again on the new state; if that keeps
 * happening the caller gets ConcurrentModificationException ("A previous update to your
 * private CA is still ongoing").
 */
export async function executeCaCommand(
  context: CaContext,
  id: string,
  command: (state: CertificateAuthorityState) => CertificateAuthorityCommand,
  meta: EventMetadata,
): Promise<{ state: CertificateAuthorityState; events: CertificateAuthorityEvent[] }> {
  for (let attempt = 1; ; attempt++) {
    const { state, version } = await loadCertificateAuthority(context, id);
    const events = decide(command(state), state);
    if (events.length === 0) return { state, events };
    const next = events.reduce(evolve, state);
    try {
      await context.store.append(caStream(id), version, events, meta, async (trx) => {
        const db = caDb(trx as never);
        if (next.status === 'PERMANENTLY_DELETED') await deleteCertificateAuthority(db, id, version);
        else if (next.status !== 'Absent') await updateCertificateAuthority(db, id, certificateAuthorityFacts(next), version, version + events.length);
      });
      return { state: next, events };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new DomainError('Conflict', 'The certificate authority was changed by another request at the same time; retry the request.', 'ConcurrentModificationException', { cause: error });
      }
    }
  }
}
