/**
 * The gRPC front (issue #16), end to end on the real stack: a Connect client generated from the
 * protos (@bufbuild/protobuf + @connectrpc/connect-node) against the gateway's @grpc/grpc-js
 * server, with mTLS identities issued by the platform itself (the development trust CA that the
 * gateway creates with PKI_GRPC_DEV_CREDENTIALS=1, as `npm start` does).
 *
 * What it holds: the CA lifecycle, issuance, revocation and pagination over gRPC give what the
 * HTTP API (real SDK, SigV4) gives for the same resources; one IoT and one Directory Service
 * certificate operation; the error mapping with ErrorInfo; deadlines; the mTLS refusals; the
 * account rule and resource policies; WatchCertificate and StreamEvents; health and reflection.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create, toBinary, type MessageInitShape } from '@bufbuild/protobuf';
import { timestampFromMs } from '@bufbuild/protobuf/wkt';
import * as grpcJs from '@grpc/grpc-js';
import * as protoLoader from '@grpc/proto-loader';
import { DescribeCertificateAuthorityCommand, GetCertificateCommand, ListCertificateAuthoritiesCommand, PutPolicyCommand } from '@aws-sdk/client-acm-pca';
import { CreateMicrosoftADCommand, DescribeCertificateCommand as DsDescribeCertificateCommand, DescribeDirectoriesCommand, DirectoryServiceClient } from '@aws-sdk/client-directory-service';
import { DescribeCertificateCommand as IotDescribeCertificateCommand } from '@aws-sdk/client-iot';
import { acmpca, directory, events, iot } from '@pki/grpc-api';
import { waitFor } from '@pki/testing';
import { bytes, pcaClient } from './fixtures/acm-pca';
import { iotClient } from './fixtures/iot';
import { OpensslDir } from './fixtures/openssl';
import { Code, ConnectError, devCredentials, errorInfoOf, expectGrpcError, freePort, grpcClients, grpcError, type GrpcClients } from './fixtures/grpc';
import { ACCOUNT_A, ACCOUNT_B, softwareKeysEnv, startStack, type RunningStack } from './stack';

const { KeyAlgorithm, SigningAlgorithm, CertificateAuthorityType, CertificateAuthorityStatus, ValidityPeriodType, RevocationReason } = acmpca;
const ROOT_TEMPLATE = 'arn:aws:acm-pca:::template/RootCACertificate/V1';
const END_ENTITY_TEMPLATE = 'arn:aws:acm-pca:::template/EndEntityCertificate/V1';

describe('gRPC front', () => {
  let stack: RunningStack;
  let devDir: string;
  let port: number;
  let healthPort: number;
  let pki: OpensslDir;
  let dev: ReturnType<typeof devCredentials>;
  let a: GrpcClients;
  let suiteStart: number;

  beforeAll(async () => {
    suiteStart = Date.now();
    devDir = mkdtempSync(join(tmpdir(), 'pki-grpc-dev-'));
    port = await freePort();
    healthPort = await freePort();
    stack = await startStack({
      ...softwareKeysEnv(),
      PKI_GRPC_DEV_CREDENTIALS: '1',
      PKI_GRPC_DEV_DIR: devDir,
      PKI_GRPC_PORT: String(port),
      PKI_GRPC_HEALTH_PORT: String(healthPort),
      // CreatePermission takes 2 s longer than its work: the deadline test's "work longer than the deadline".
      PKI_TEST_SLOW_OPERATIONS: 'CreatePermission:2000',
      // Throttling on, out of the way of everything but GetPolicy (one a second): RESOURCE_EXHAUSTED.
      PKI_THROTTLE_ENABLED: 'true',
      PKI_THROTTLE_DEFAULT: '1000/1000',
      PKI_THROTTLE: 'acm-pca:GetPolicy=1/1',
    });
    pki = new OpensslDir('grpc-e2e');
    // The gateway issues its development credentials once the services answer; then it listens.
    dev = await waitFor(
      async () => {
        try {
          const creds = devCredentials(devDir);
          const clients = grpcClients(port, creds.ca, creds);
          await clients.pca.listCertificateAuthorities({ maxResults: 1 });
          return creds;
        } catch {
          return undefined;
        }
      },
      { what: 'the gRPC listener with its development credentials', timeoutMs: 60_000 },
    );
    a = grpcClients(port, dev.ca, dev);
  }, 240_000);

  afterAll(async () => {
    pki?.remove();
    await stack?.stop();
    if (devDir) rmSync(devDir, { recursive: true, force: true });
  });

  /** An ACTIVE root CA made over gRPC alone: create, CSR, its own certificate, import. */
  async function activeRootOverGrpc(client: GrpcClients, cn: string): Promise<string> {
    const created = await client.pca.createCertificateAuthority({
      certificateAuthorityConfiguration: { keyAlgorithm: KeyAlgorithm.EC_PRIME256V1, signingAlgorithm: SigningAlgorithm.SHA256WITHECDSA, subject: { commonName: cn } },
      certificateAuthorityType: CertificateAuthorityType.ROOT,
    });
    const arn = created.certificateAuthorityArn!;
    const csr = await waitFor(
      async () => {
        try {
          return (await client.pca.getCertificateAuthorityCsr({ certificateAuthorityArn: arn })).csr;
        } catch {
          return undefined;
        }
      },
      { what: 'the CA CSR', timeoutMs: 60_000 },
    );
    const issued = await client.pca.issueCertificate({
      certificateAuthorityArn: arn,
      csr: bytes(csr),
      signingAlgorithm: SigningAlgorithm.SHA256WITHECDSA,
      templateArn: ROOT_TEMPLATE,
      validity: { type: ValidityPeriodType.YEARS, value: 5n },
    });
    const certificate = await getIssued(client, arn, issued.certificateArn!);
    await client.pca.importCertificateAuthorityCertificate({ certificateAuthorityArn: arn, certificate: bytes(certificate) });
    return arn;
  }

  async function getIssued(client: GrpcClients, caArn: string, certArn: string): Promise<string> {
    return waitFor(
      async () => {
        try {
          return (await client.pca.getCertificate({ certificateAuthorityArn: caArn, certificateArn: certArn })).certificate;
        } catch (error) {
          if (errorInfoOf(error as never)?.reason === 'RequestInProgressException') return undefined;
          throw error;
        }
      },
      { what: 'the issued certificate', timeoutMs: 60_000 },
    );
  }

  /** A client certificate from the gRPC client CA (the dev CA, account A's) with `uri` as its URI SAN. */
  async function clientCertificate(name: string, uri: string): Promise<{ cert: string; key: string; arn: string }> {
    const csr = pki.csr(name, `/CN=${name}`, { args: ['-addext', `subjectAltName=URI:${uri}`] });
    const issued = await a.pca.issueCertificate({
      certificateAuthorityArn: dev.clientCaArn,
      csr: bytes(csr),
      signingAlgorithm: SigningAlgorithm.SHA256WITHECDSA,
      templateArn: END_ENTITY_TEMPLATE,
      validity: { type: ValidityPeriodType.DAYS, value: 1n },
    });
    const cert = await getIssued(a, dev.clientCaArn, issued.certificateArn!);
    return { cert, key: pki.read(`${name}.key`), arn: issued.certificateArn! };
  }

  it('runs a CA lifecycle, issuance, revocation and pagination with the results the HTTP API gives', async () => {
    const http = pcaClient(stack.endpoint, ACCOUNT_A);
    const caArn = await activeRootOverGrpc(a, 'grpc-root');
    const described = (await a.pca.describeCertificateAuthority({ certificateAuthorityArn: caArn })).certificateAuthority!;
    const viaHttp = (await http.send(new DescribeCertificateAuthorityCommand({ CertificateAuthorityArn: caArn }))).CertificateAuthority!;
    expect(described.status).toBe(CertificateAuthorityStatus.ACTIVE);
    expect({ arn: described.arn, owner: described.ownerAccount, serial: described.serial, created: Number(described.createdAt!.seconds), notAfter: Number(described.notAfter!.seconds) }).toEqual({
      arn: viaHttp.Arn,
      owner: viaHttp.OwnerAccount,
      serial: viaHttp.Serial,
      created: Math.floor(viaHttp.CreatedAt!.getTime() / 1000),
      notAfter: Math.floor(viaHttp.NotAfter!.getTime() / 1000),
    });

    const csr = pki.csr('leaf', '/CN=leaf.grpc.example', { args: ['-addext', 'subjectAltName=DNS:leaf.grpc.example'] });
    const issued = await a.pca.issueCertificate({ certificateAuthorityArn: caArn, csr: bytes(csr), signingAlgorithm: SigningAlgorithm.SHA256WITHECDSA, validity: { type: ValidityPeriodType.DAYS, value: 7n } });
    const pem = await getIssued(a, caArn, issued.certificateArn!);
    const got = await http.send(new GetCertificateCommand({ CertificateAuthorityArn: caArn, CertificateArn: issued.certificateArn }));
    expect(pem).toBe(got.Certificate);
    pki.write('leaf.pem', pem);
    expect(pki.text('leaf.pem')).toContain('leaf.grpc.example');

    await a.pca.revokeCertificate({ certificateAuthorityArn: caArn, certificateSerial: issued.certificateArn!.split('/').pop()!, revocationReason: RevocationReason.KEY_COMPROMISE });

    // Pagination: the same pages, page by page, as the SDK gets.
    const grpcPages: string[][] = [];
    let token: string | undefined;
    do {
      const page = await a.pca.listCertificateAuthorities({ maxResults: 1, nextToken: token });
      grpcPages.push(page.certificateAuthorities.map((ca) => ca.arn!));
      token = page.nextToken;
    } while (token);
    const httpPages: string[][] = [];
    let httpToken: string | undefined;
    do {
      const page = await http.send(new ListCertificateAuthoritiesCommand({ MaxResults: 1, NextToken: httpToken }));
      httpPages.push(page.CertificateAuthorities!.map((ca) => ca.Arn!));
      httpToken = page.NextToken;
    } while (httpToken);
    expect(grpcPages.length).toBeGreaterThanOrEqual(2);
    expect(grpcPages).toEqual(httpPages);
  }, 180_000);

  it('drives an IoT and a Directory Service certificate operation as the HTTP API does', async () => {
    const device = pki.selfSigned('device', '/CN=grpc-device', { days: 30 });
    const registered = await a.iot.registerCertificateWithoutCA({ certificatePem: device, status: iot.CertificateStatus.ACTIVE });
    const viaGrpc = (await a.iot.describeCertificate({ certificateId: registered.certificateId })).certificateDescription!;
    const viaHttp = (await iotClient(stack.endpoint, ACCOUNT_A).send(new IotDescribeCertificateCommand({ certificateId: registered.certificateId }))).certificateDescription!;
    expect({ arn: viaGrpc.certificateArn, pem: viaGrpc.certificatePem, status: viaGrpc.status, owner: viaGrpc.ownedBy, created: Number(viaGrpc.creationDate!.seconds) }).toEqual({
      arn: viaHttp.certificateArn,
      pem: viaHttp.certificatePem,
      status: iot.CertificateStatus.ACTIVE,
      owner: viaHttp.ownedBy,
      created: Math.floor(viaHttp.creationDate!.getTime() / 1000),
    });

    const ds = new DirectoryServiceClient({ endpoint: stack.endpoint, region: 'us-east-1', credentials: ACCOUNT_A, maxAttempts: 1 });
    const { DirectoryId } = await ds.send(new CreateMicrosoftADCommand({ Name: 'grpc.example.com', Password: 'Sup3r-Secret', VpcSettings: { VpcId: 'vpc-0123abcd', SubnetIds: ['subnet-0123abcd', 'subnet-4567ef01'] } }));
    await waitFor(async () => (await ds.send(new DescribeDirectoriesCommand({ DirectoryIds: [DirectoryId!] }))).DirectoryDescriptions![0]!.Stage === 'Active', { what: 'the directory to be Active', timeoutMs: 60_000 });
    const ldapsCa = pki.selfSigned('ldaps-ca', '/O=Example/CN=gRPC LDAPS CA', { days: 400 });
    const { certificateId } = await a.ds.registerCertificate({ directoryId: DirectoryId, certificateData: ldapsCa });
    const grpcCert = (await a.ds.describeCertificate({ directoryId: DirectoryId, certificateId })).certificate!;
    const httpCert = (await ds.send(new DsDescribeCertificateCommand({ DirectoryId, CertificateId: certificateId }))).Certificate!;
    expect({ id: grpcCert.certificateId, cn: grpcCert.commonName, registered: Number(grpcCert.registeredDateTime!.seconds) }).toEqual({
      id: httpCert.CertificateId,
      cn: httpCert.CommonName,
      registered: Math.floor(httpCert.RegisteredDateTime!.getTime() / 1000),
    });
    expect(directory.CertificateType[grpcCert.type!]).toBe(httpCert.Type === 'ClientLDAPS' ? 'CLIENT_LDAPS' : httpCert.Type?.toUpperCase());
  }, 180_000);

  it('maps AWS exceptions to gRPC codes with ErrorInfo naming the exception, and validation text identical to HTTP', async () => {
    const missing = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/00000000-0000-4000-8000-000000000000';
    const notFound = await expectGrpcError(a.pca.describeCertificateAuthority({ certificateAuthorityArn: missing }), Code.NotFound, 'ResourceNotFoundException');
    expect(errorInfoOf(notFound)!.domain).toBe('acm-pca.amazonaws.com');
    expect(errorInfoOf(notFound)!.metadata.requestId).toMatch(/^[0-9a-f-]{36}$/);

    // ValidationException: the same message the HTTP route gives for the same input.
    const validation = await expectGrpcError(a.pca.describeCertificateAuthority({}), Code.InvalidArgument, 'ValidationException');
    const http = await pcaClient(stack.endpoint, ACCOUNT_A)
      .send(new DescribeCertificateAuthorityCommand({} as never))
      .catch((error: Error) => error);
    expect(validation.rawMessage).toBe((http as Error).message);

    // InvalidStateException: issuing from a CA that has no certificate yet.
    const pending = await a.pca.createCertificateAuthority({
      certificateAuthorityConfiguration: { keyAlgorithm: KeyAlgorithm.EC_PRIME256V1, signingAlgorithm: SigningAlgorithm.SHA256WITHECDSA, subject: { commonName: 'pending' } },
      certificateAuthorityType: CertificateAuthorityType.ROOT,
    });
    const csr = pki.csr('state', '/CN=state.example');
    const stateError = await grpcError(a.pca.issueCertificate({ certificateAuthorityArn: pending.certificateAuthorityArn, csr: bytes(csr), signingAlgorithm: SigningAlgorithm.SHA256WITHECDSA, validity: { type: ValidityPeriodType.DAYS, value: 1n } }));
    expect(Code[stateError.code]).toBe(Code[Code.FailedPrecondition]);
    expect(['InvalidStateException', 'RequestInProgressException']).toContain(errorInfoOf(stateError)!.reason);

    // Malformed*: garbage where a CSR goes.
    await expectGrpcError(
      a.pca.issueCertificate({ certificateAuthorityArn: dev.clientCaArn, csr: bytes('not a csr'), signingAlgorithm: SigningAlgorithm.SHA256WITHECDSA, validity: { type: ValidityPeriodType.DAYS, value: 1n } }),
      Code.InvalidArgument,
      'MalformedCSRException',
    );
    // InvalidArgsException: a CustomPath through a dot segment (it would name another key than it says).
    await expectGrpcError(
      a.pca.createCertificateAuthority({
        certificateAuthorityConfiguration: { keyAlgorithm: KeyAlgorithm.EC_PRIME256V1, signingAlgorithm: SigningAlgorithm.SHA256WITHECDSA, subject: { commonName: 'partitioned' } },
        certificateAuthorityType: CertificateAuthorityType.ROOT,
        revocationConfiguration: { crlConfiguration: { enabled: true, crlType: acmpca.CrlType.PARTITIONED, s3BucketName: 'crls', customPath: 'crls/../other' } },
      }),
      Code.InvalidArgument,
      'InvalidArgsException',
    );
    // ThrottlingException: GetPolicy is limited to one a second here.
    const getPolicy = () => a.pca.getPolicy({ resourceArn: dev.clientCaArn });
    const throttled = await waitFor(
      async () => {
        const results = await Promise.all([getPolicy(), getPolicy(), getPolicy()].map((call) => call.then(() => undefined, (error: unknown) => ConnectError.from(error))));
        return results.find((error) => error !== undefined && errorInfoOf(error)?.reason === 'ThrottlingException');
      },
      { what: 'a throttled GetPolicy', timeoutMs: 10_000 },
    );
    expect(Code[throttled.code]).toBe(Code[Code.ResourceExhausted]);
    // ServiceUnavailableException: the owning service is down.
    const directoryCerts = stack.apps.find((app) => app.app === 'directory-certs')!;
    await directoryCerts.stop();
    try {
      await expectGrpcError(a.ds.describeCertificate({ directoryId: 'd-0000000000', certificateId: 'c-0000000000' }), Code.Unavailable, 'ServiceUnavailableException');
    } finally {
      await stack.restart('directory-certs', {});
    }
    // IoT and Directory Service name their own exceptions, mapped the same way.
    await expectGrpcError(a.iot.describeCertificate({ certificateId: 'a'.repeat(64) }), Code.NotFound, 'ResourceNotFoundException');
    await expectGrpcError(a.ds.describeCertificate({ directoryId: 'd-0000000000', certificateId: 'c-0000000000' }), Code.NotFound, 'DirectoryDoesNotExistException');
  }, 120_000);

  it('honours deadlines: DEADLINE_EXCEEDED, and the work is either whole or absent, never twice', async () => {
    const principal = 'acm.amazonaws.com';
    const error = await grpcError(a.pca.createPermission({ certificateAuthorityArn: dev.clientCaArn, principal, actions: [acmpca.ActionType.GET_CERTIFICATE, acmpca.ActionType.ISSUE_CERTIFICATE, acmpca.ActionType.LIST_PERMISSIONS] }, { timeoutMs: 500 }));
    expect(Code[error.code]).toBe(Code[Code.DeadlineExceeded]);
    // The command was already with ca-service: it completes whole, once (commands are atomic), or not at all.
    await new Promise((resolve) => setTimeout(resolve, 3000));
    const permissions = (await a.pca.listPermissions({ certificateAuthorityArn: dev.clientCaArn })).permissions.filter((p) => p.principal === principal);
    expect(permissions.length).toBeLessThanOrEqual(1);
    if (permissions.length === 1) expect([...permissions[0]!.actions].sort()).toEqual([acmpca.ActionType.GET_CERTIFICATE, acmpca.ActionType.ISSUE_CERTIFICATE, acmpca.ActionType.LIST_PERMISSIONS].sort());
  }, 60_000);

  it('refuses callers without a client certificate, with one from another CA, or with a revoked one', async () => {
    const noCert = grpcClients(port, dev.ca, {});
    const refused = await grpcError(noCert.pca.listCertificateAuthorities({}));
    expect([Code.Unavailable, Code.Unknown, Code.Internal, Code.Unauthenticated]).toContain(refused.code);
    expect(errorInfoOf(refused)).toBeUndefined();

    // A certificate from a CA outside the trust store: the handshake fails.
    pki.selfSigned('other-ca', '/CN=Other CA', { days: 30 });
    pki.certificate('intruder', '/CN=intruder', 'other-ca');
    const intruder = grpcClients(port, dev.ca, { cert: pki.read('intruder.pem'), key: pki.read('intruder.key') });
    const other = await grpcError(intruder.pca.listCertificateAuthorities({}));
    expect(errorInfoOf(other)).toBeUndefined();

    // A certificate of the client CA without the account rule's SPIFFE ID: UNAUTHENTICATED.
    const stray = await clientCertificate('stray', 'https://example.com/not-spiffe');
    const strayClient = grpcClients(port, dev.ca, stray);
    await expectGrpcError(strayClient.pca.listCertificateAuthorities({}), Code.Unauthenticated, 'UnrecognizedClientException');

    // Revoked: works, then (once the platform has recorded the revocation) UNAUTHENTICATED.
    const doomed = await clientCertificate('doomed', `spiffe://pki.local/account/${ACCOUNT_A.accountId}/doomed`);
    const doomedClient = grpcClients(port, dev.ca, doomed);
    await doomedClient.pca.listCertificateAuthorities({ maxResults: 1 });
    const serial = doomed.arn.split('/').pop()!;
    await a.pca.revokeCertificate({ certificateAuthorityArn: dev.clientCaArn, certificateSerial: serial, revocationReason: RevocationReason.KEY_COMPROMISE });
    const revoked = await waitFor(
      async () => {
        const error = await grpcError(doomedClient.pca.listCertificateAuthorities({ maxResults: 1 })).catch(() => undefined);
        return error && errorInfoOf(error)?.reason === 'UnrecognizedClientException' ? error : undefined;
      },
      { what: 'the revoked client certificate to be refused', timeoutMs: 30_000 },
    );
    expect(Code[revoked.code]).toBe(Code[Code.Unauthenticated]);
    expect(revoked.rawMessage).toContain('revoked');
  }, 180_000);

  it("keeps accounts apart: B's certificate on A's CA is PERMISSION_DENIED until A's resource policy grants it", async () => {
    const bIdentity = await clientCertificate('account-b', `spiffe://pki.local/account/${ACCOUNT_B.accountId}/workload`);
    const b = grpcClients(port, dev.ca, bIdentity);
    const caArn = await activeRootOverGrpc(a, 'shared-root');
    const csr = pki.csr('b-leaf', '/CN=b.example');
    const issue = () => b.pca.issueCertificate({ certificateAuthorityArn: caArn, csr: bytes(csr), signingAlgorithm: SigningAlgorithm.SHA256WITHECDSA, validity: { type: ValidityPeriodType.DAYS, value: 1n }, templateArn: END_ENTITY_TEMPLATE });
    await expectGrpcError(issue(), Code.PermissionDenied, 'AccessDeniedException');
    await expectGrpcError(b.pca.describeCertificateAuthority({ certificateAuthorityArn: caArn }), Code.PermissionDenied, 'AccessDeniedException');
    const policy = {
      Version: '2012-10-17',
      Statement: [
        {
          Sid: 'b-issues',
          Effect: 'Allow',
          Principal: { AWS: ACCOUNT_B.accountId },
          Action: 'acm-pca:IssueCertificate',
          Resource: caArn,
          Condition: { StringEquals: { 'acm-pca:TemplateArn': END_ENTITY_TEMPLATE } },
        },
        { Sid: 'b-gets', Effect: 'Allow', Principal: { AWS: ACCOUNT_B.accountId }, Action: 'acm-pca:GetCertificate', Resource: `${caArn}/*` },
      ],
    };
    await pcaClient(stack.endpoint, ACCOUNT_A).send(new PutPolicyCommand({ ResourceArn: caArn, Policy: JSON.stringify(policy) }));
    // The policy reaches issuance asynchronously (ca-service outbox -> JetStream -> projection).
    const issued = await waitFor(
      async () => {
        try {
          return await issue();
        } catch (error) {
          if (errorInfoOf(error as never)?.reason === 'AccessDeniedException') return undefined;
          throw error;
        }
      },
      { timeoutMs: 60_000, intervalMs: 250, what: "account B's IssueCertificate to be allowed by the policy" },
    );
    expect(issued.certificateArn).toContain(caArn);
    expect(await getIssued(b, caArn, issued.certificateArn!)).toContain('BEGIN CERTIFICATE');
    // The grant is exactly what the policy says: not DescribeCertificateAuthority.
    await expectGrpcError(b.pca.describeCertificateAuthority({ certificateAuthorityArn: caArn }), Code.PermissionDenied, 'AccessDeniedException');
  }, 180_000);

  it('WatchCertificate sees the revocation within a second of RevokeCertificate returning; StreamEvents resumes by token', async () => {
    const csr = pki.csr('watched', '/CN=watched.example');
    const issued = await a.pca.issueCertificate({ certificateAuthorityArn: dev.clientCaArn, csr: bytes(csr), signingAlgorithm: SigningAlgorithm.SHA256WITHECDSA, validity: { type: ValidityPeriodType.DAYS, value: 1n } });
    await getIssued(a, dev.clientCaArn, issued.certificateArn!);
    const abort = new AbortController();
    const stream = a.events.watchCertificate({ certificateAuthorityArn: dev.clientCaArn, certificateArn: issued.certificateArn }, { signal: abort.signal });
    const iterator = stream[Symbol.asyncIterator]();
    const first = (await iterator.next()).value as events.WatchCertificateResponse;
    expect({ status: first.status, initial: first.initial }).toEqual({ status: events.CertificateStatus.ISSUED, initial: true });
    const serial = issued.certificateArn!.split('/').pop()!;
    const since = Date.now();
    const live = (async () => (await iterator.next()).value as events.WatchCertificateResponse)();
    await a.pca.revokeCertificate({ certificateAuthorityArn: dev.clientCaArn, certificateSerial: serial, revocationReason: RevocationReason.SUPERSEDED });
    const returned = Date.now();
    const change = await live;
    const seen = Date.now();
    expect({ status: change.status, initial: change.initial, reason: change.revocationReason }).toEqual({ status: events.CertificateStatus.REVOKED, initial: false, reason: 'SUPERSEDED' });
    expect(Number(change.revokedAt!.seconds) * 1000).toBeGreaterThanOrEqual(Math.floor(since / 1000) * 1000 - 1000);
    // The issue's bound; printed for the record.
    console.log(`WatchCertificate: revocation seen ${seen - returned} ms after RevokeCertificate returned (${returned - since} ms call)`);
    expect(seen - returned).toBeLessThan(1000);
    abort.abort();

    // StreamEvents: the account's events from a time, then again from a resume token: continues right after it.
    // Since the suite started: the revocations of the tests above and this one (at least two).
    const from = timestampFromMs(suiteStart);
    const read = async (request: MessageInitShape<typeof events.StreamEventsRequestSchema>, count: number) => {
      const ac = new AbortController();
      const got: events.StreamEventsResponse[] = [];
      try {
        for await (const message of a.events.streamEvents(request, { signal: ac.signal })) {
          got.push(message);
          if (got.length === count) break;
        }
      } finally {
        ac.abort();
      }
      return got;
    };
    const detailTypes = ['ACM Private CA Certificate Revocation'];
    const two = await read({ since: from, detailTypes }, 2);
    expect(two.length).toBe(2);
    const envelope = JSON.parse(two[0]!.eventJson) as { account: string; 'detail-type': string };
    expect(envelope.account).toBe(ACCOUNT_A.accountId);
    expect(envelope['detail-type']).toBe('ACM Private CA Certificate Revocation');
    expect(two[0]!.event).toEqual(JSON.parse(two[0]!.eventJson));
    const resumed = await read({ resumeToken: two[0]!.resumeToken, detailTypes }, 1);
    expect(resumed[0]!.resumeToken).toBe(two[1]!.resumeToken);
    expect(resumed[0]!.eventJson).toBe(two[1]!.eventJson);
  }, 120_000);

  it('answers grpc.health.v1 (plain text health port and the mTLS port) and server reflection', async () => {
    const healthDef = protoLoader.loadSync(require.resolve('grpc-health-check/proto/health/v1/health.proto'), { keepCase: true, enums: String });
    const Health = (grpcJs.loadPackageDefinition(healthDef) as any).grpc.health.v1.Health as typeof grpcJs.Client;
    const check = (client: grpcJs.Client, service: string) =>
      new Promise<{ status: string }>((resolve, reject) => (client as any).Check({ service }, (error: Error | null, reply: { status: string }) => (error ? reject(error) : resolve(reply))));
    const plain = new Health(`127.0.0.1:${healthPort}`, grpcJs.credentials.createInsecure());
    expect(await check(plain, '')).toEqual({ status: 'SERVING' });
    expect(await check(plain, 'pki.acmpca.v1.PrivateCaService')).toEqual({ status: 'SERVING' });
    plain.close();
    const tls = grpcJs.credentials.createSsl(Buffer.from(dev.ca), Buffer.from(dev.key), Buffer.from(dev.cert));
    const secure = new Health(`localhost:${port}`, tls);
    expect(await check(secure, 'pki.events.v1.EventsService')).toEqual({ status: 'SERVING' });
    secure.close();

    const reflectionDef = protoLoader.loadSync(require.resolve('@grpc/reflection/build/proto/grpc/reflection/v1/reflection.proto'), { keepCase: true });
    const Reflection = (grpcJs.loadPackageDefinition(reflectionDef) as any).grpc.reflection.v1.ServerReflection as typeof grpcJs.Client;
    const reflection = new Reflection(`localhost:${port}`, tls);
    const services = await new Promise<string[]>((resolve, reject) => {
      const call = (reflection as any).ServerReflectionInfo();
      call.on('data', (reply: { list_services_response?: { service: Array<{ name: string }> } }) => {
        resolve((reply.list_services_response?.service ?? []).map((s) => s.name));
        call.end();
      });
      call.on('error', reject);
      call.write({ list_services: '' });
    });
    reflection.close();
    expect(services).toEqual(expect.arrayContaining(['pki.acmpca.v1.PrivateCaService', 'pki.iot.v1.IotService', 'pki.directory.v1.DirectoryService', 'pki.events.v1.EventsService', 'grpc.health.v1.Health']));
  }, 60_000);

  it('keeps messages within the HTTP limit: a request over 3 MB is RESOURCE_EXHAUSTED', async () => {
    const big = create(acmpca.ImportCertificateAuthorityCertificateRequestSchema, { certificateAuthorityArn: dev.clientCaArn, certificate: new Uint8Array(3 * 1024 * 1024 + 1) });
    expect(toBinary(acmpca.ImportCertificateAuthorityCertificateRequestSchema, big).length).toBeGreaterThan(3 * 1024 * 1024);
    const error = await grpcError(a.pca.importCertificateAuthorityCertificate(big));
    expect({ code: Code[error.code], message: error.rawMessage }).toEqual({ code: Code[Code.ResourceExhausted], message: expect.stringContaining('larger than max') });
  }, 60_000);

  it('logs one JSON access line per call (gRPC status, AWS exception) and counts calls in pki_grpc_requests_total', async () => {
    const missing = 'arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/11111111-1111-4111-8111-111111111111';
    const error = await grpcError(a.pca.describeCertificateAuthority({ certificateAuthorityArn: missing }));
    const requestId = errorInfoOf(error)!.metadata.requestId;
    const gateway = stack.apps.find((app) => app.app === 'api-gateway')!;
    const line = await waitFor(
      async () =>
        gateway
          .stdout()
          .split('\n')
          .filter((l) => l.includes(requestId) && l.includes('"kind":"access"'))
          .map((l) => JSON.parse(l) as Record<string, unknown>)[0],
      { what: 'the access line of the call' },
    );
    expect(line).toMatchObject({ account: ACCOUNT_A.accountId, api: 'pki.acmpca.v1.PrivateCaService', operation: 'DescribeCertificateAuthority', grpcStatus: 'NOT_FOUND', exception: 'ResourceNotFoundException' });
    const metrics = await (await fetch(`${stack.endpoint}/metrics`)).text();
    expect(metrics).toMatch(/pki_grpc_requests_total\{service="pki\.acmpca\.v1\.PrivateCaService",method="DescribeCertificateAuthority",code="NOT_FOUND"\} [1-9]/);
  }, 60_000);

  it('drains on SIGTERM: a unary call in flight finishes, new calls are refused, an open stream ends UNAVAILABLE with its resume token', async () => {
    const gateway = () => stack.apps.find((app) => app.app === 'api-gateway')!;
    const stream = a.events.streamEvents({ since: timestampFromMs(suiteStart) });
    const iterator = stream[Symbol.asyncIterator]();
    const first = (await iterator.next()).value as events.StreamEventsResponse;
    // CreatePermission takes 2 s here (PKI_TEST_SLOW_OPERATIONS): in flight when SIGTERM arrives.
    const inFlight = a.pca.createPermission({ certificateAuthorityArn: dev.clientCaArn, principal: 'acm.amazonaws.com', actions: [acmpca.ActionType.GET_CERTIFICATE, acmpca.ActionType.ISSUE_CERTIFICATE, acmpca.ActionType.LIST_PERMISSIONS], sourceAccount: ACCOUNT_A.accountId });
    await new Promise((resolve) => setTimeout(resolve, 300));
    const old = gateway();
    const stopped = old.stop(30_000);
    const streamEnd = (async () => {
      try {
        for (;;) {
          const next = await iterator.next();
          if (next.done) return undefined;
        }
      } catch (error) {
        return error as Error;
      }
    })();
    await new Promise((resolve) => setTimeout(resolve, 200));
    // Refused at the transport (GOAWAY / REFUSED_STREAM, which Connect reports as INTERNAL and
    // grpc-go and grpc-java retry elsewhere), never answered by the stopping gateway.
    const late = await grpcError(a.pca.listCertificateAuthorities({ maxResults: 1 }));
    expect([Code[Code.Unavailable], Code[Code.Internal]]).toContain(Code[late.code]);
    expect(errorInfoOf(late)).toBeUndefined();
    const permission = await inFlight.then(
      () => 'ok',
      (error: Error) => (errorInfoOf(error as never)?.reason === 'PermissionAlreadyExistsException' ? 'ok' : error),
    );
    expect(permission).toBe('ok');
    const ended = await streamEnd;
    expect(ended?.message).toContain('This gateway is stopping');
    expect(ended?.message).toMatch(/resume_token \d+/);
    expect(first.resumeToken).toMatch(/^\d+$/);
    expect(await stopped).toEqual({ code: 0, signal: null });
    expect(old.stdout()).toContain('gRPC stream(s)');

    // Back with the same development credentials (reused, not issued again) on the same port.
    await stack.restart('api-gateway', {});
    const again = await waitFor(
      async () => {
        try {
          return await a.pca.listCertificateAuthorities({ maxResults: 1 });
        } catch {
          return undefined;
        }
      },
      { what: 'the restarted gRPC listener', timeoutMs: 60_000 },
    );
    expect(again.certificateAuthorities.length).toBe(1);
    expect(devCredentials(devDir).clientCaArn).toBe(dev.clientCaArn);
  }, 120_000);

  it('refuses the development trust CA as client CA with NODE_ENV=production', async () => {
    const gateway = await stack.restart('api-gateway', {
      NODE_ENV: 'production',
      PKI_GRPC_DEV_CREDENTIALS: '',
      PKI_GRPC_CLIENT_CA_ARN: dev.clientCaArn,
      PKI_GRPC_TLS_CERT: join(devDir, 'server.pem'),
      PKI_GRPC_TLS_KEY: join(devDir, 'server.key'),
    });
    await waitFor(async () => gateway.stdout().includes('gRPC listener off'), { what: 'the gateway to refuse the development CA', timeoutMs: 60_000 });
    expect(gateway.stdout()).toContain('is the development trust CA');
    const refused = await grpcError(a.pca.listCertificateAuthorities({ maxResults: 1 }));
    expect(errorInfoOf(refused)).toBeUndefined();
    await stack.restart('api-gateway', {});
  }, 120_000);
});
