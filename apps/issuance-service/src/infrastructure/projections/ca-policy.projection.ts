import type { Transaction } from 'kysely';
import { POLICY_EVENT_TYPES, type EventEnvelope, type PolicyDeletedV1, type PolicyPutV1 } from '@pki/contracts';
import type { Projection } from '@pki/eventstore';
import type { IssuanceDatabase } from '../database';
import { upsertCaPolicy } from '../ca-policy.queries';

/**
 * Projects ca-service's PolicyPut / PolicyDeleted into issuance.ca_policies (the runner commits
 * row + checkpoint together). An event applies only when its policy-stream version is newer
 * than the row's; every other ca-service event is skipped.
 */
export const caPolicyProjection: Projection = {
  name: 'issuance-ca-policies',
  eventTypes: [POLICY_EVENT_TYPES.PolicyPut, POLICY_EVENT_TYPES.PolicyDeleted],
  async apply(trx: Transaction<any>, event: EventEnvelope): Promise<void> {
    if (event.type !== POLICY_EVENT_TYPES.PolicyPut && event.type !== POLICY_EVENT_TYPES.PolicyDeleted) return;
    if (event.schemaVersion !== 1) throw new Error(`unsupported ${event.type} schema version ${event.schemaVersion}`);
    const db = trx.withSchema('issuance') as unknown as Transaction<IssuanceDatabase>;
    const data = event.data as PolicyPutV1 | PolicyDeletedV1;
    await upsertCaPolicy(db, {
      ca_id: data.certificateAuthorityId,
      ca_arn: data.certificateAuthorityArn,
      policy: event.type === POLICY_EVENT_TYPES.PolicyPut ? (data as PolicyPutV1).policy : null,
      version: event.version,
    });
  },
};
