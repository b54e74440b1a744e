import { execFileSync } from 'node:child_process';
import { mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { DirectoryService, EventsService, IotService, PrivateCaService, acmpca } from './index';

/**
 * The TypeScript under gen/ is what `buf generate` (buf.gen.yaml: the local protoc-gen-es)
 * writes from proto/ now, and proto/ passes `buf lint`. When this fails, run
 * `npm run generate:grpc` and review the diff.
 */
const REPOSITORY_ROOT = join(__dirname, '..', '..', '..');
const BUF = join(REPOSITORY_ROOT, 'node_modules', '.bin', 'buf');
const GENERATED = 'libs/grpc-api/src/gen';

const buf = (...args: string[]): string => execFileSync(BUF, args, { cwd: REPOSITORY_ROOT, encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] });

/** Relative path -> content of every file under `dir`. */
const tree = (dir: string): Record<string, string> => {
  const files: Record<string, string> = {};
  const walk = (current: string): void => {
    for (const entry of readdirSync(current, { withFileTypes: true })) {
      const path = join(current, entry.name);
      if (entry.isDirectory()) walk(path);
      else files[relative(dir, path)] = readFileSync(path, 'utf8');
    }
  };
  walk(dir);
  return files;
};

describe('buf', () => {
  let out: string;
  beforeAll(() => {
    out = mkdtempSync(join(tmpdir(), 'grpc-api-gen-'));
  });
  afterAll(() => rmSync(out, { recursive: true, force: true }));

  it('lints proto/ clean (STANDARD rules, proto/buf.yaml)', () => {
    expect(buf('lint', 'proto')).toBe('');
  });

  it(`generates exactly the committed ${GENERATED}`, () => {
    buf('generate', '--template', 'buf.gen.yaml', '--output', out);
    const fresh = tree(join(out, GENERATED));
    const committed = tree(join(REPOSITORY_ROOT, GENERATED));
    expect(Object.keys(committed).sort()).toEqual(Object.keys(fresh).sort());
    for (const [path, content] of Object.entries(fresh)) expect([path, committed[path]]).toEqual([path, content]);
  }, 60_000);
});

describe('@pki/grpc-api', () => {
  it('exports one service per API with the AWS operation names, and the event streams', () => {
    expect(PrivateCaService.typeName).toBe('pki.acmpca.v1.PrivateCaService');
    expect(PrivateCaService.methods).toHaveLength(23);
    expect(PrivateCaService.method.issueCertificate.name).toBe('IssueCertificate');
    expect(IotService.typeName).toBe('pki.iot.v1.IotService');
    expect(DirectoryService.typeName).toBe('pki.directory.v1.DirectoryService');
    expect(EventsService.method.watchCertificate.methodKind).toBe('server_streaming');
  });

  it('uses the AWS member names as proto JSON names', () => {
    const field = acmpca.CreateCertificateAuthorityAuditReportRequestSchema.field.s3BucketName;
    expect([field.name, field.jsonName]).toEqual(['s3_bucket_name', 'S3BucketName']);
  });
});
