/**
 * IssueCertificate: check -> record the intent (serial + TBS) -> sign once through ca-service ->
 * check what was signed -> record the outcome. The reply comes after the outcome is committed,
 * so the returned ARN is retrievable at once; a failure is recorded before it is answered.
 */
import { certificateStream, DomainError, type CommandMessage, type EventMetadata } from '@pki/contracts';
import { assembleCertificate } from '@pki/pki';
import { certificateIntent, checkedCsr, checkSigningAlgorithm, profileFor, templateFor, type CertificateIntent, type IssueCertificateInput } from '../domain/certificate-request';
import { decide, evolve, initialState } from '../domain/certificate.decider';
import type { CertificateEvent } from '../domain/certificate.events';
import { lintCertificate } from '../domain/certificate-lint';
import { templateArn, type CertificateTemplate } from '../domain/templates';
import { chainFor, crlPartitionBinding, crlPartitionLocation, issuancePurpose, issuingCaFacts, usesCrlPartitions, type IssuingCaView } from '../domain/issuing-ca';
import { CrlPartitions } from './crl-partitions';
import { issuanceDb } from '../infrastructure/database';
import { claimIdempotencyToken, findIdempotentCertificate, isSerialCollision, writeCertificates, type CertificateWrite } from '../infrastructure/certificate.queries';
import { GroupCommit } from '../infrastructure/group-commit';
import { signatureMayExist, type IssuanceContext } from './issuance-context';
import { loadIssuingCa } from './issuing-ca.loader';
import { countOutcome } from './issuance-metrics';
import { caVerifyKey, processPublicKeys } from './public-keys';

/** IssueCertificate IdempotencyToken: "Idempotency tokens for IssueCertificate time out after one minute." */
export const IDEMPOTENCY_WINDOW_SECONDS = 60;
/** Fresh serials tried before giving up; a collision of 127 random bits means a broken generator. */
const SERIAL_ATTEMPTS = 5;

class TokenAlreadyClaimed extends Error {}

/** The CA state that lets `template` issue (issuancePurpose decides; this only says when to stop waiting for the projection). */
const canIssueWith = (template: CertificateTemplate) => (ca: IssuingCaView): boolean =>
  ca.status === 'ACTIVE' || (template.selfSigned && ca.type === 'ROOT' && ca.status === 'PENDING_CERTIFICATE' && ca.publicKeySpki !== null);

/**
 * One group committer per event store: concurrent requests' appends share transactions (see
 * group-commit.ts; each reply still waits for the commit holding its events).
 */
const groupCommits = new WeakMap<object, GroupCommit>();
function groupCommitFor(context: IssuanceContext): GroupCommit {
  let group = groupCommits.get(context.store);
  if (!group) {
    group = new GroupCommit(context.store);
    groupCommits.set(context.store, group);
  }
  return group;
}

export async function appendOutcome(context: IssuanceContext, intent: CertificateIntent, events: CertificateEvent[], meta: EventMetadata): Promise<void> {
  const r = intent.requested;
  const issued = events.find((e) => e.type === 'CertificateIssued');
  const failed = events.find((e) => e.type === 'CertificateIssuanceFailed');
  const write: CertificateWrite | undefined = issued
    ? { kind: 'issued', id: r.certificateId, certificateDer: Buffer.from(issued.data.certificateDer, 'base64') }
    : failed
      ? {
          kind: 'failed',
          id: r.certificateId,
          reason: failed.data.reason,
          release: r.idempotencyToken === null ? null : { accountId: r.accountId, caId: r.certificateAuthorityId, token: r.idempotencyToken, certificateArn: r.certificateArn },
        }
      : undefined;
  await groupCommitFor(context).append(certificateStream(r.certificateId), 1, events, meta, write && { writer: writeCertificates, item: write });
  countOutcome(r, write?.kind);
}

export function issueCertificateHandler(context: IssuanceContext) {
  return async (message: CommandMessage): Promise<{ CertificateArn: string }> => {
    const input = message.input as IssueCertificateInput;
    const { accountId } = message.caller;
    const template = templateFor(input.TemplateArn);
    const ca = await loadIssuingCa(context, message.caller, input.CertificateAuthorityArn, canIssueWith(template), {
      action: 'acm-pca:IssueCertificate',
      templateArn: templateArn(template.name),
    });
    const purpose = issuancePurpose(ca, template);
    checkSigningAlgorithm(input.SigningAlgorithm, ca.keyAlgorithm);
    const csr = checkedCsr(input.Csr, (spki) => processPublicKeys.of(spki));
    const now = context.now();
    const token = input.IdempotencyToken ?? null;
    if (token !== null) {
      const earlier = await findIdempotentCertificate(issuanceDb(context.db), accountId, ca.id, token, now, IDEMPOTENCY_WINDOW_SECONDS);
      if (earlier) return { CertificateArn: earlier };
    }
    // A partitioned CA binds each certificate it issues (not a root's own certificate, which no
    // CRL of its own lists) to one CRL partition: its CDP names that partition's CRL.
    const location = usesCrlPartitions(ca) && purpose === 'CERTIFICATE' ? crlPartitionLocation(ca, context.publicUrl) : undefined;
    const partitionId = location ? await (context.crlPartitions ??= new CrlPartitions(context.db)).next(ca.id, location) : undefined;
    const crlPartition = partitionId ? crlPartitionBinding(ca, context.publicUrl, partitionId) : undefined;
    const profile = profileFor(input, template, csr, issuingCaFacts(ca, purpose, context.publicUrl, partitionId), now, context.keyUsageProfile);
    const meta: EventMetadata = { accountId, correlationId: message.requestId, causationId: null };
    const certificateChain = chainFor(ca, purpose);

    // Step 1: the intent, under a serial no other certificate of this CA has (the unique
    // constraint decides; a collision retries with a fresh serial) and with the token claimed.
    let intent: CertificateIntent | undefined;
    for (let attempt = 1; !intent; attempt++) {
      const candidate = certificateIntent({
        certificateId: context.newId(), caArn: ca.arn, caId: ca.id, serial: context.newSerial(), template, signingAlgorithm: input.SigningAlgorithm,
        purpose, profile, csr, certificateChain, idempotencyToken: token, accountId, now, crlPartition,
      });
      const events = decide({ type: 'RequestCertificate', request: candidate.requested }, initialState);
      try {
        const row = {
          id: candidate.requested.certificateId, ca_id: ca.id, serial: candidate.requested.serial, arn: candidate.requested.certificateArn, account_id: accountId,
          status: 'REQUESTED' as const, certificate_chain_pem: certificateChain, requested_at: now,
        };
        if (token === null) {
          await groupCommitFor(context).append(certificateStream(row.id), 0, events, meta, { writer: writeCertificates, item: { kind: 'requested', row } });
        } else {
          // Requests with an IdempotencyToken commit alone: concurrent claims of one token would
          // otherwise wait on each other inside shared transactions.
          await context.store.append(certificateStream(row.id), 0, events, meta, async (trx, stored) => {
            if (!(await claimIdempotencyToken(issuanceDb(trx as never), { accountId, caId: ca.id, token, certificateArn: row.arn, now }, IDEMPOTENCY_WINDOW_SECONDS))) {
              throw new TokenAlreadyClaimed();
            }
            await writeCertificates(trx, [{ item: { kind: 'requested', row }, stored }]);
          });
        }
        intent = candidate;
      } catch (error) {
        if (error instanceof TokenAlreadyClaimed && token !== null) {
          // A concurrent request with the same token won: one certificate per token.
          const winner = await findIdempotentCertificate(issuanceDb(context.db), accountId, ca.id, token, now, IDEMPOTENCY_WINDOW_SECONDS);
          if (winner) return { CertificateArn: winner };
        }
        if (!isSerialCollision(error) || attempt >= SERIAL_ATTEMPTS) throw error;
      }
    }

    // Step 2: sign once, through ca-service. SignData is idempotent per certificate id: if this
    // process dies before step 3, the recovery worker gets this very signature back.
    const requested = intent.requested;
    const requestedState = evolve(initialState, { type: 'CertificateRequested', schemaVersion: 1, data: requested });
    let signature: Uint8Array;
    try {
      signature = await context.signer(
        { certificateAuthorityId: ca.id, signingAlgorithm: input.SigningAlgorithm, purpose, requestedBy: 'issuance-service/IssueCertificate', certificateId: requested.certificateId, dataBase64: requested.tbsCertificate },
        { caller: message.caller, requestId: message.requestId },
      );
    } catch (error) {
      // ca-service may have signed and only the answer failed: a recorded failure would leave
      // that signature without its certificate. The request stays REQUESTED and the recovery
      // worker asks SignData again for this certificate, getting the signature ca-service holds
      // (or the first one); a retry with the IdempotencyToken answers this certificate's ARN.
      if (signatureMayExist(error)) throw error;
      const reason = error instanceof Error ? error.message : String(error);
      await appendOutcome(context, intent, decide({ type: 'FailIssuance', reason: `signing failed: ${reason}`, now: context.now() }, requestedState), meta);
      throw error;
    }

    // Step 3: check what came back against what was recorded, then record the outcome.
    const certificateDer = assembleCertificate(intent.tbs, input.SigningAlgorithm, signature);
    const lintProblems = lintCertificate(certificateDer, { serial: requested.serial, signingAlgorithm: input.SigningAlgorithm, issuerDer: profile.issuerDer, extensions: profile.extensions, template }, caVerifyKey(processPublicKeys, ca.publicKeySpki!));
    const outcome = decide({ type: 'RecordSignature', certificateDer, lintProblems, now: context.now() }, requestedState);
    await appendOutcome(context, intent, outcome, meta);
    const failure = outcome.find((e) => e.type === 'CertificateIssuanceFailed');
    if (failure) throw new DomainError('Internal', `The certificate could not be issued (${failure.data.reason}); nothing was released.`);
    context.recentlyIssued?.remember(ca.id, requested.serial, { certificateDer, certificateChainPem: certificateChain });
    return { CertificateArn: requested.certificateArn };
  };
}
