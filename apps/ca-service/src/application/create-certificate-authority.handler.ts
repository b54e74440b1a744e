import type { CommandMessage } from '@pki/contracts';
import { caArn } from '../domain/arn';
import { decide, evolve, initialState } from '../domain/certificate-authority.decider';
import { caStream } from '../domain/certificate-authority.events';
import type { CreateCertificateAuthorityInput } from '../domain/certificate-authority.types';
import { caDb } from '../infrastructure/database';
import { claimIdempotencyToken, findIdempotentCertificateAuthority, insertCertificateAuthority } from '../infrastructure/certificate-authority.queries';
import type { CaContext } from './ca-context';

/** "Idempotency tokens for CreateCertificateAuthority time out after five minutes." */
const IDEMPOTENCY_WINDOW_SECONDS = 5 * 60;

class TokenAlreadyClaimed extends Error {}

export function createCertificateAuthorityHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<{ CertificateAuthorityArn: string }> => {
    const input = message.input as CreateCertificateAuthorityInput;
    const { accountId } = message.caller;
    const now = context.now();
    const token = input.IdempotencyToken;
    if (token !== undefined) {
      const existing = await findIdempotentCertificateAuthority(caDb(context.db), accountId, token, now, IDEMPOTENCY_WINDOW_SECONDS);
      if (existing) return { CertificateAuthorityArn: existing };
    }
    const certificateAuthorityId = context.newId();
    const arn = caArn(context.region, accountId, certificateAuthorityId);
    const events = decide({ type: 'CreateCertificateAuthority', certificateAuthorityId, arn, ownerAccount: accountId, input, now }, initialState);
    const state = events.reduce(evolve, initialState);
    try {
      await context.store.append(
        caStream(certificateAuthorityId),
        0,
        events,
        { accountId, correlationId: message.requestId, causationId: null },
        async (trx, stored) => {
          const db = caDb(trx as never);
          if (token !== undefined && !(await claimIdempotencyToken(db, accountId, token, arn, now, IDEMPOTENCY_WINDOW_SECONDS))) {
            throw new TokenAlreadyClaimed();
          }
          const created = events[0]!.data;
          await insertCertificateAuthority(db, created, state.status, stored[stored.length - 1]!.version);
        },
      );
    } catch (error) {
      if (error instanceof TokenAlreadyClaimed && token !== undefined) {
        // A concurrent request with the same token won: answer its CA (one CA per token).
        const winner = await findIdempotentCertificateAuthority(caDb(context.db), accountId, token, now, IDEMPOTENCY_WINDOW_SECONDS);
        if (winner) return { CertificateAuthorityArn: winner };
      }
      throw error;
    }
    return { CertificateAuthorityArn: arn };
  };
}
