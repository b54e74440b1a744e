import { callerRegion, DomainError, certificateAuthorityArn, type CommandMessage } from '@pki/contracts';
import { decide, evolve, initialState } from '../domain/certificate-authority.decider';
import { caStream } from '../domain/certificate-authority.events';
import type { CreateCertificateAuthorityInput } from '../domain/certificate-authority.types';
import { checkKeyBackendSupports } from '../keys/signature-forms';
import { caDb } from '../infrastructure/database';
import {
  certificateAuthorityFacts,
  claimIdempotencyToken,
  findIdempotentCertificateAuthority,
  insertCertificateAuthority,
  lockAndCountCertificateAuthorities,
} from '../infrastructure/certificate-authority.queries';
import type { CaContext } from './ca-context';

/** "Idempotency tokens for CreateCertificateAuthority time out after five minutes." */
const IDEMPOTENCY_WINDOW_SECONDS = 5 * 60;

class TokenAlreadyClaimed extends Error {}

/** AWS Private CA's default quota of CAs per account and Region (200), overridable with PKI_MAX_CAS_PER_ACCOUNT. */
const DEFAULT_MAX_CAS_PER_ACCOUNT = 200;

export function maxCasPerAccount(env: NodeJS.ProcessEnv): number {
  const raw = env.PKI_MAX_CAS_PER_ACCOUNT;
  if (raw === undefined || raw === '') return DEFAULT_MAX_CAS_PER_ACCOUNT;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < 1) throw new Error(`PKI_MAX_CAS_PER_ACCOUNT must be a positive integer, not "${raw}"`);
  return value;
}

export function createCertificateAuthorityHandler(context: CaContext, env: NodeJS.ProcessEnv = process.env) {
  const maxCas = maxCasPerAccount(env);
  return async (message: CommandMessage): Promise<{ CertificateAuthorityArn: string }> => {
    const input = message.input as CreateCertificateAuthorityInput;
    const { accountId } = message.caller;
    const now = context.now();
    // In the caller's region (its SigV4 scope's): the ARN is where the CA's region is kept.
    const region = callerRegion(message.caller, context.region);
    // Tokens are per region, as on AWS: one of another region than the default is stored under
    // a region-qualified key (the default region's keep the plain token of single-region releases).
    const token = input.IdempotencyToken === undefined || region === context.region ? input.IdempotencyToken : `${region}/${input.IdempotencyToken}`;
    if (token !== undefined) {
      const existing = await findIdempotentCertificateAuthority(caDb(context.db), accountId, token, now, IDEMPOTENCY_WINDOW_SECONDS);
      if (existing) return { CertificateAuthorityArn: existing };
    }
    const certificateAuthorityId = context.newId();
    const arn = certificateAuthorityArn(region, accountId, certificateAuthorityId);
    const events = decide({ type: 'CreateCertificateAuthority', certificateAuthorityId, arn, ownerAccount: accountId, input, now }, initialState);
    // A key the configured backend cannot hold (ML-DSA on PKCS #11) is refused now, not by a FAILED CA later.
    checkKeyBackendSupports(context.keys.backend, input.CertificateAuthorityConfiguration.KeyAlgorithm);
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
          // Counted under a per-account lock, so concurrent creations cannot overshoot the quota.
          const held = await lockAndCountCertificateAuthorities(db, accountId, region);
          if (held >= maxCas) {
            throw new DomainError(
              'LimitExceeded',
              `Account ${accountId} already has ${held} certificate authorities in ${region}, the maximum allowed (${maxCas}); delete CAs you no longer need (deleted CAs count until they are permanently removed).`,
              'LimitExceededException',
            );
          }
          if (state.status !== 'CREATING') throw new Error(`a new CA must be CREATING, not ${state.status}`);
          await insertCertificateAuthority(db, state.created, certificateAuthorityFacts(state), stored[stored.length - 1]!.version);
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
    context.csrCreation?.kick(certificateAuthorityId);
    return { CertificateAuthorityArn: arn };
  };
}
