import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { createObjectStorage } from './create-object-storage';
import { FilesystemObjectStorage } from './filesystem-object-storage';

async function filesUnder(dir: string): Promise<string[]> {
  const entries = await readdir(dir, { recursive: true, withFileTypes: true });
  return entries.filter((e) => e.isFile()).map((e) => path.relative(dir, path.join(e.parentPath ?? (e as unknown as { path: string }).path, e.name)));
}

describe('FilesystemObjectStorage (real files)', () => {
  let root: string;
  let clock: Date;
  let store: FilesystemObjectStorage;
  const bytes = (text: string) => new TextEncoder().encode(text);
  const privateMeta = { contentType: 'application/json', acl: 'BUCKET_OWNER_FULL_CONTROL' as const, ownerAccount: '111111111111' };

  beforeEach(async () => {
    root = await mkdtemp(path.join(tmpdir(), 'pki-objects-'));
    clock = new Date('2026-11-22T10:00:00Z');
    store = new FilesystemObjectStorage(path.join(root, 'objects'), () => clock);
  });
  afterEach(async () => {
    await rm(root, { recursive: true, force: true });
  });

  it('stores an object with its metadata, S3-style ETag and modification time', async () => {
    await store.put('audit-bucket', 'audit-report/ca/r.json', bytes('[]'), privateMeta);
    const object = await store.get('audit-bucket', 'audit-report/ca/r.json');
    expect(object).toEqual({
      body: bytes('[]'),
      contentType: 'application/json',
      acl: 'BUCKET_OWNER_FULL_CONTROL',
      ownerAccount: '111111111111',
      lastModified: clock,
      etag: '"d751713988987e9331980363e24189ce"', // md5("[]")
    });
  });

  it('answers undefined for unknown keys and buckets', async () => {
    await store.put('audit-bucket', 'a', bytes('x'), privateMeta);
    expect(await store.get('audit-bucket', 'b')).toBeUndefined();
    expect(await store.get('other-bucket', 'a')).toBeUndefined();
  });

  it('keeps keys "a" and "a/b" apart, as S3 does', async () => {
    await store.put('bucket', 'a', bytes('one'), privateMeta);
    await store.put('bucket', 'a/b', bytes('two'), privateMeta);
    expect(Buffer.from((await store.get('bucket', 'a'))!.body).toString()).toBe('one');
    expect(Buffer.from((await store.get('bucket', 'a/b'))!.body).toString()).toBe('two');
  });

  it('replaces an object and leaves no old body or temp file behind', async () => {
    await store.put('bucket', 'crl/ca.crl', bytes('v1'), { ...privateMeta, acl: 'PUBLIC_READ', contentType: 'application/pkix-crl' });
    clock = new Date('2026-11-22T11:00:00Z');
    await store.put('bucket', 'crl/ca.crl', bytes('v2'), { ...privateMeta, acl: 'PUBLIC_READ', contentType: 'application/pkix-crl' });
    const object = await store.get('bucket', 'crl/ca.crl');
    expect(Buffer.from(object!.body).toString()).toBe('v2');
    expect(object!.lastModified).toEqual(clock);
    const files = await filesUnder(path.join(root, 'objects'));
    expect(files).toHaveLength(2);
    expect(files.some((f) => f.endsWith('.meta.json'))).toBe(true);
    expect(files.some((f) => f.includes('.tmp-'))).toBe(false);
  });

  it('putStream writes the chunks as one object; a failing source leaves the old object and no temp file', async () => {
    const chunks = ['[', '{"a":1}', '', ',{"b":2}', ']'];
    async function* source(failAfter?: number) {
      for (let i = 0; i < chunks.length; i++) {
        if (i === failAfter) throw new Error('the database went away');
        yield bytes(chunks[i]!);
      }
    }
    expect(await store.putStream('audit-bucket', 'r.json', source(), privateMeta)).toBe(chunks.join('').length);
    const whole = await store.get('audit-bucket', 'r.json');
    expect(Buffer.from(whole!.body).toString()).toBe(chunks.join(''));
    await store.put('audit-bucket', 'same.json', bytes(chunks.join('')), privateMeta);
    expect(whole!.etag).toBe((await store.get('audit-bucket', 'same.json'))!.etag);

    await expect(store.putStream('audit-bucket', 'r.json', source(3), privateMeta)).rejects.toThrow('the database went away');
    expect(Buffer.from((await store.get('audit-bucket', 'r.json'))!.body).toString()).toBe(chunks.join(''));
    expect((await filesUnder(path.join(root, 'objects'))).some((f) => f.includes('.tmp-'))).toBe(false);
  });

  it('never turns a key into a path: traversal attempts are refused and nothing is written outside the root', async () => {
    await writeFile(path.join(root, 'secret.txt'), 'do not serve');
    for (const key of ['../secret.txt', '../../secret.txt', '/etc/passwd', 'a/../../secret.txt', 'a\\..\\secret.txt']) {
      await expect(store.put('bucket', key, bytes('x'), privateMeta)).rejects.toThrow('Invalid object key');
      await expect(store.get('bucket', key)).rejects.toThrow('Invalid object key');
    }
    await expect(store.get('..', 'secret.txt')).rejects.toThrow('Invalid bucket name');
    await expect(store.put('../escape', 'x', bytes('x'), privateMeta)).rejects.toThrow('Invalid bucket name');
    expect(await readdir(root)).toEqual(['secret.txt']);
  });

  it('readers see the old or the new object while it is being replaced, never a mix', async () => {
    const meta = { ...privateMeta, contentType: 'text/plain' };
    await store.put('bucket', 'k', bytes('old'.repeat(1000)), meta);
    const writes = Array.from({ length: 20 }, (_, i) => store.put('bucket', 'k', bytes(`new${i}`.repeat(1000)), meta));
    const reads = Array.from({ length: 50 }, () => store.get('bucket', 'k'));
    const [, results] = await Promise.all([Promise.all(writes), Promise.all(reads)]);
    for (const object of results) {
      const text = Buffer.from(object!.body).toString();
      const unit = text.slice(0, text.length / 1000);
      expect(text).toBe(unit.repeat(1000));
      expect(object!.etag).toMatch(/^"[0-9a-f]{32}"$/);
    }
  });

  it('createObjectStorage: filesystem under PKI_OBJECT_STORE_DIR by default, an error for an unknown kind', async () => {
    const configured = createObjectStorage({ PKI_OBJECT_STORE_DIR: path.join(root, 'configured') });
    expect(configured).toBeInstanceOf(FilesystemObjectStorage);
    expect((configured as FilesystemObjectStorage).root).toBe(path.join(root, 'configured'));
    expect((createObjectStorage({}) as FilesystemObjectStorage).root).toBe(path.resolve(process.cwd(), '.data/objects'));
    expect(() => createObjectStorage({ PKI_OBJECT_STORE: 'ftp' })).toThrow('PKI_OBJECT_STORE must be "filesystem" or "s3"');
    expect(createObjectStorage({ PKI_OBJECT_STORE: 's3', AWS_REGION: 'us-east-1' }).constructor.name).toBe('S3ObjectStorage');
  });
});
