import type { S3Client } from '@aws-sdk/client-s3';
import { getObjectCommand, MULTIPART_PART_SIZE, putObjectCommand, S3ObjectStorage } from './s3-object-storage';

describe('S3 adapter command construction', () => {
  const body = new TextEncoder().encode('report');

  it('puts with the canned ACL AWS Private CA uses and records the ACL and owner as user metadata', () => {
    const command = putObjectCommand('audit-bucket', 'audit-report/ca/r.json', body, {
      contentType: 'application/json',
      acl: 'BUCKET_OWNER_FULL_CONTROL',
      ownerAccount: '111111111111',
    });
    expect(command.input).toEqual({
      Bucket: 'audit-bucket',
      Key: 'audit-report/ca/r.json',
      Body: body,
      ContentType: 'application/json',
      ContentLength: 6,
      ACL: 'bucket-owner-full-control',
      Metadata: { 'pki-acl': 'BUCKET_OWNER_FULL_CONTROL', 'pki-owner-account': '111111111111' },
    });
  });

  it('maps PUBLIC_READ to public-read', () => {
    const command = putObjectCommand('crl-bucket', 'crl/x.crl', body, { contentType: 'application/pkix-crl', acl: 'PUBLIC_READ', ownerAccount: '222222222222' });
    expect(command.input.ACL).toBe('public-read');
  });

  it('gets by bucket and key', () => {
    expect(getObjectCommand('crl-bucket', 'crl/x.crl').input).toEqual({ Bucket: 'crl-bucket', Key: 'crl/x.crl' });
  });

  it('refuses bad names and metadata before anything is sent', () => {
    const meta = { contentType: 'text/plain', acl: 'PUBLIC_READ' as const, ownerAccount: '111111111111' };
    expect(() => putObjectCommand('Bad_Bucket', 'k', body, meta)).toThrow('Invalid bucket name');
    expect(() => putObjectCommand('bucket', '../k', body, meta)).toThrow('Invalid object key');
    expect(() => putObjectCommand('bucket', 'k', body, { ...meta, ownerAccount: 'me' })).toThrow('12 digits');
    expect(() => putObjectCommand('bucket', 'k', body, { ...meta, acl: 'AUTHENTICATED_READ' as never })).toThrow('Unknown object ACL');
    expect(() => getObjectCommand('bucket', '/etc/passwd')).toThrow('Invalid object key');
  });

  describe('putStream', () => {
    const meta = { contentType: 'application/json', acl: 'BUCKET_OWNER_FULL_CONTROL' as const, ownerAccount: '111111111111' };
    /** Records what would be sent to S3; UploadPart answers an ETag, `failOn` makes one command fail. */
    function recordingClient(failOn?: string) {
      const sent: Array<{ name: string; input: any }> = [];
      const client = {
        send: async (command: { constructor: { name: string }; input: any }) => {
          const name = command.constructor.name;
          sent.push({ name, input: command.input });
          if (name === failOn) throw new Error(`${name} failed`);
          if (name === 'CreateMultipartUploadCommand') return { UploadId: 'u-1' };
          if (name === 'UploadPartCommand') return { ETag: `"etag-${command.input.PartNumber}"` };
          return {};
        },
      };
      return { sent, storage: new S3ObjectStorage(client as unknown as S3Client) };
    }
    async function* chunksOf(...sizes: number[]) {
      for (const size of sizes) yield new Uint8Array(size).fill(97);
    }

    it('sends a small body as one PutObject', async () => {
      const { sent, storage } = recordingClient();
      expect(await storage.putStream('audit-bucket', 'r.json', chunksOf(3, 0, 4), meta)).toBe(7);
      expect(sent.map((s) => s.name)).toEqual(['PutObjectCommand']);
      expect(sent[0]!.input.ContentLength).toBe(7);
    });

    it('sends a large body as a multipart upload of fixed-size parts, with the ACL and metadata of put', async () => {
      const { sent, storage } = recordingClient();
      const half = MULTIPART_PART_SIZE / 2;
      expect(await storage.putStream('audit-bucket', 'r.json', chunksOf(half, half, half, 10), meta)).toBe(3 * half + 10);
      expect(sent.map((s) => s.name)).toEqual(['CreateMultipartUploadCommand', 'UploadPartCommand', 'UploadPartCommand', 'CompleteMultipartUploadCommand']);
      expect(sent[0]!.input).toEqual({ Bucket: 'audit-bucket', Key: 'r.json', ContentType: 'application/json', ACL: 'bucket-owner-full-control', Metadata: { 'pki-acl': 'BUCKET_OWNER_FULL_CONTROL', 'pki-owner-account': '111111111111' } });
      expect(sent.slice(1, 3).map((s) => s.input.ContentLength)).toEqual([MULTIPART_PART_SIZE, half + 10]);
      expect(sent[3]!.input.MultipartUpload).toEqual({ Parts: [{ ETag: '"etag-1"', PartNumber: 1 }, { ETag: '"etag-2"', PartNumber: 2 }] });
    });

    it('aborts the upload when a part or the source fails, so the old object stays', async () => {
      const failing = recordingClient('UploadPartCommand');
      await expect(failing.storage.putStream('audit-bucket', 'k', chunksOf(MULTIPART_PART_SIZE), meta)).rejects.toThrow('UploadPartCommand failed');
      expect(failing.sent.map((s) => s.name)).toEqual(['CreateMultipartUploadCommand', 'UploadPartCommand', 'AbortMultipartUploadCommand']);
      const { sent, storage } = recordingClient();
      async function* broken() {
        yield new Uint8Array(MULTIPART_PART_SIZE);
        throw new Error('the database went away');
      }
      await expect(storage.putStream('audit-bucket', 'k', broken(), meta)).rejects.toThrow('the database went away');
      expect(sent.map((s) => s.name)).toEqual(['CreateMultipartUploadCommand', 'UploadPartCommand', 'AbortMultipartUploadCommand']);
    });
  });
});
