import { spawnSync } from 'node:child_process';
import { X509Certificate, createHash, randomUUID } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ISSUANCE_EVENT_TYPES, REVOCATION_EVENT_TYPES, type CertificateIssuedV1, type CertificateRevokedV1, type CommandMessage, type EventEnvelope } from '@pki/contracts';
import { EventStore, eventStoreMigrations, migrateToLatest, projectionMigrations } from '@pki/eventstore';
import { createTestDatabase, type TestDatabase } from '@pki/testing';
import { iotDb, IOT_SCHEMA } from '../infrastructure/database';
import { takePendingEffects } from '../infrastructure/pending-effect.queries';
import { autoRegistrations, issuerRevocations } from '../infrastructure/projections/issuer-events.projection';
import { iotMigrations } from '../migrations';
import type { IotContext } from './iot-context';
import { iotHandlers } from './iot.handlers';
import { applyPendingEffect } from './pending-effects.worker';
import { platformIssuer } from './platform-issuer';

const ACCOUNT = '111111111111';

function openssl(dir: string, ...args: string[]): void {
  const r = spawnSync('openssl', args, { cwd: dir, encoding: 'utf8' });
  if (r.status !== 0) throw new Error(`openssl ${args.join(' ')}: ${r.stderr}`);
}

function envelope<T>(type: string, data: T): EventEnvelope<T> {
  return { id: randomUUID(), stream: 'x', version: 1, type, schemaVersion: 1, occurredAt: new Date().toISOString(), correlationId: 'c', causationId: null, accountId: ACCOUNT, data };
}

/**
 * The two projections of other services' events (CertificateIssued -> auto-registration,
 * CertificateRevoked -> REVOKED) and the worker that turns their effects into this service's
 * events, on a real Postgres. Each event is applied twice, as a redelivery would: the result is the same.
 */
describe('iot-registry projections of issuance and revocation events', () => {
  let database: TestDatabase;
  let context: IotContext;
  let dir: string;
  const call = (operation: string, input: unknown) =>
    iotHandlers(context, platformIssuer(undefined, () => Promise.reject(new Error('no issuing CA in this test')), { provisioned: () => Promise.reject(new Error('no platform IoT CA in this test')) }))[operation]!({ caller: { accountId: ACCOUNT, accessKeyId: 'AKID' }, requestId: randomUUID(), input } as CommandMessage) as Promise<any>;
  const applyTwice = async (projection: typeof autoRegistrations, event: EventEnvelope) => {
    for (let i = 0; i < 2; i++) await database.db.transaction().execute((trx) => projection.apply(trx, event));
  };
  const runEffects = async () => {
    for (const effect of await takePendingEffects(iotDb(database.db), 100)) await applyPendingEffect(context, effect);
  };

  beforeAll(async () => {
    database = await createTestDatabase();
    await migrateToLatest(database.db, IOT_SCHEMA, { ...eventStoreMigrations(IOT_SCHEMA), ...projectionMigrations(IOT_SCHEMA), ...iotMigrations(IOT_SCHEMA) });
    context = {
      db: database.db,
      store: new EventStore(database.db, { schema: IOT_SCHEMA }),
      region: 'us-east-1',
      now: () => new Date(),
      newId: randomUUID,
      newRegistrationCode: () => 'ab'.repeat(32),
    };
    dir = mkdtempSync(join(tmpdir(), 'iot-int-'));
    openssl(dir, 'req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', 'ca.key', '-out', 'ca.pem', '-subj', '/CN=Private CA', '-days', '30',
      '-addext', 'basicConstraints=critical,CA:true', '-addext', 'keyUsage=critical,keyCertSign,cRLSign');
    for (const name of ['issued', 'other']) {
      openssl(dir, 'req', '-new', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:P-256', '-nodes', '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`);
      openssl(dir, 'x509', '-req', '-in', `${name}.csr`, '-CA', 'ca.pem', '-CAkey', 'ca.key', '-CAcreateserial', '-out', `${name}.pem`, '-days', '10');
    }
  }, 60_000);
  afterAll(async () => {
    rmSync(dir, { recursive: true, force: true });
    await database?.destroy();
  });

  const issuedEvent = (name: string) => {
    const x509 = new X509Certificate(readFileSync(join(dir, `${name}.pem`)));
    const sha256Fingerprint = createHash('sha256').update(x509.raw).digest('hex');
    const data: CertificateIssuedV1 = {
      certificateArn: `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/ca/certificate/${x509.serialNumber}`,
      certificateAuthorityArn: `arn:aws:acm-pca:us-east-1:${ACCOUNT}:certificate-authority/ca`,
      certificateAuthorityId: 'ca',
      serial: x509.serialNumber.toLowerCase(),
      subject: x509.subject,
      issuerDn: x509.issuer,
      notBefore: new Date(x509.validFrom).toISOString(),
      notAfter: new Date(x509.validTo).toISOString(),
      issuedAt: new Date().toISOString(),
      templateArn: 'arn:aws:acm-pca:::template/EndEntityCertificate/V1',
      certificateDer: x509.raw.toString('base64'),
      sha256Fingerprint,
      accountId: ACCOUNT,
      requestedByServicePrincipal: null,
    };
    return envelope(ISSUANCE_EVENT_TYPES.CertificateIssued, data);
  };

  it('registers nothing while no IoT CA with auto-registration matches, then PENDING_ACTIVATION once it does', async () => {
    await applyTwice(autoRegistrations, issuedEvent('other'));
    expect(await takePendingEffects(iotDb(database.db), 10)).toEqual([]);

    await call('RegisterCACertificate', { caCertificate: readFileSync(join(dir, 'ca.pem'), 'utf8'), certificateMode: 'SNI_ONLY', setAsActive: true, allowAutoRegistration: true });
    const event = issuedEvent('issued');
    await applyTwice(autoRegistrations, event);
    expect(await takePendingEffects(iotDb(database.db), 10)).toHaveLength(1);
    await runEffects();
    await applyTwice(autoRegistrations, event);
    await runEffects();
    const { certificateDescription } = await call('DescribeCertificate', { certificateId: event.data.sha256Fingerprint });
    expect(certificateDescription).toMatchObject({ status: 'PENDING_ACTIVATION', ownedBy: ACCOUNT, customerVersion: 1, caCertificateId: expect.stringMatching(/^[0-9a-f]{64}$/) });
    expect(await context.store.load(`iot-cert-${event.data.sha256Fingerprint}`)).toHaveLength(1);
  });

  it("makes the certificate with the revoked certificate's fingerprint REVOKED, once", async () => {
    const issued = issuedEvent('issued').data;
    await call('UpdateCertificate', { certificateId: issued.sha256Fingerprint, newStatus: 'ACTIVE' });
    const revoked: CertificateRevokedV1 = {
      certificateArn: issued.certificateArn,
      certificateAuthorityArn: issued.certificateAuthorityArn,
      certificateAuthorityId: 'ca',
      serial: issued.serial,
      issuerDn: issued.issuerDn,
      sha256Fingerprint: issued.sha256Fingerprint,
      revocationReason: 'KEY_COMPROMISE',
      revokedAt: new Date().toISOString(),
      accountId: ACCOUNT,
    };
    const event = envelope(REVOCATION_EVENT_TYPES.CertificateRevoked, revoked);
    await applyTwice(issuerRevocations, event);
    await runEffects();
    await applyTwice(issuerRevocations, envelope(REVOCATION_EVENT_TYPES.CertificateRevoked, revoked));
    await runEffects();
    const { certificateDescription } = await call('DescribeCertificate', { certificateId: issued.sha256Fingerprint });
    expect(certificateDescription).toMatchObject({ status: 'REVOKED', customerVersion: 3 });
    expect(await takePendingEffects(iotDb(database.db), 10)).toEqual([]);
    // A revocation of a certificate the registry does not hold leaves nothing behind.
    await applyTwice(issuerRevocations, envelope(REVOCATION_EVENT_TYPES.CertificateRevoked, { ...revoked, sha256Fingerprint: 'e'.repeat(64) }));
    expect(await takePendingEffects(iotDb(database.db), 10)).toEqual([]);
  });
});
