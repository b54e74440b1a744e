import type { Transaction } from 'kysely';
import { CA_EVENT_TYPES, type CertificateAuthorityCreatedV1, type EventEnvelope } from '@pki/contracts';
import type { Projection } from '@pki/eventstore';
import type { IssuanceDatabase } from '../database';
import { insertIssuingCa } from '../issuing-ca.queries';

/** Projects ca-service's CA events into issuance.issuing_cas (the runner commits row + checkpoint together). */
export const issuingCaProjection: Projection = {
  name: 'issuance-issuing-cas',
  async apply(trx: Transaction<any>, event: EventEnvelope): Promise<void> {
    if (event.type !== CA_EVENT_TYPES.CertificateAuthorityCreated) return;
    if (event.schemaVersion !== 1) throw new Error(`unsupported ${event.type} schema version ${event.schemaVersion}`);
    const data = event.data as CertificateAuthorityCreatedV1;
    const configuration = data.configuration as { KeyAlgorithm: string; SigningAlgorithm: string };
    await insertIssuingCa(trx.withSchema('issuance') as unknown as Transaction<IssuanceDatabase>, {
      id: data.certificateAuthorityId,
      arn: data.arn,
      owner_account: data.ownerAccount,
      type: data.type,
      status: 'CREATING',
      key_algorithm: configuration.KeyAlgorithm,
      signing_algorithm: configuration.SigningAlgorithm,
      usage_mode: data.usageMode,
      version: event.version,
    });
  },
};
