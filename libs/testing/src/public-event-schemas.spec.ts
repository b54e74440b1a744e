import { createHash } from 'node:crypto';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { caPublicEvent, eventBridgeTime, PUBLIC_DETAIL_TYPES, publicEventId, publicEventSubject, type PublicDetailType } from '@pki/contracts';
import { AWS_PCA_EVENT_EXAMPLES, shapeDifferences } from './aws-pca-events';
import { PUBLIC_SCHEMA_DIR, publicEventProblems, publicSchemaFile } from './public-event-schemas';

const lock = JSON.parse(readFileSync(join(PUBLIC_SCHEMA_DIR, 'schemas.lock.json'), 'utf8')) as { schemas: Record<string, string> };
const schemaFiles = readdirSync(PUBLIC_SCHEMA_DIR).filter((f) => f.endsWith('.schema.json'));

describe('public event schemas (libs/contracts/events/public)', () => {
  it('has a schema for every detail-type at the version its events carry', () => {
    for (const detailType of Object.keys(PUBLIC_DETAIL_TYPES) as PublicDetailType[]) expect(schemaFiles).toContain(publicSchemaFile(detailType));
  });

  it.each(Object.entries(lock.schemas))('keeps the published schema %s unchanged (a breaking change is a new version file)', (file, sha256) => {
    expect(schemaFiles).toContain(file);
    expect(createHash('sha256').update(readFileSync(join(PUBLIC_SCHEMA_DIR, file))).digest('hex')).toBe(sha256);
  });

  it('has every schema file in the lock (a new version is added to it once, then frozen)', () => {
    expect(schemaFiles.filter((f) => !(f in lock.schemas))).toEqual([]);
  });

  it('names each schema after its detail-type, source and slug', () => {
    for (const [detailType, { source, slug, version }] of Object.entries(PUBLIC_DETAIL_TYPES)) {
      const schema = JSON.parse(readFileSync(join(PUBLIC_SCHEMA_DIR, `${slug}.v${version}.schema.json`), 'utf8'));
      expect(schema.properties['detail-type']).toEqual({ const: detailType });
      expect(schema.properties.source).toEqual({ const: source });
    }
  });

  describe.each(Object.entries(AWS_PCA_EVENT_EXAMPLES))("AWS's %s examples", (_detailType, examples) => {
    it.each(Object.entries(examples))('accepts the %s example of the user guide', (_name, example) => {
      expect(publicEventProblems(example)).toEqual([]);
    });
  });

  it('refuses what AWS would never send', () => {
    const good = AWS_PCA_EVENT_EXAMPLES['ACM Private CA Certificate Issuance'].success;
    expect(publicEventProblems({ ...good, extra: 1 })).not.toEqual([]);
    expect(publicEventProblems({ ...good, resources: [good.resources[0]] })).not.toEqual([]);
    expect(publicEventProblems({ ...good, detail: { result: 'maybe' } })).not.toEqual([]);
    expect(publicEventProblems({ ...good, time: '2019-11-04T19:57:46.123Z' })).not.toEqual([]);
    expect(publicEventProblems({ ...good, 'detail-type': 'Something Else' })).toEqual(['unknown detail-type "Something Else"']);
  });
});

describe('public event contract helpers', () => {
  const ca = 'arn:aws:acm-pca:eu-west-1:123456789012:certificate-authority/11111111-2222-3333-4444-555555555555';

  it('derives one stable name-based UUID per fact and detail-type', () => {
    const id = publicEventId('0b6c3a1e-5c8e-4f4b-9d2a-3f5e6d7c8b9a', 'ACM Private CA Creation');
    expect(id).toMatch(/^[0-9a-f]{8}-[0-9a-f]{4}-5[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/);
    expect(publicEventId('0b6c3a1e-5c8e-4f4b-9d2a-3f5e6d7c8b9a', 'ACM Private CA Creation')).toBe(id);
    expect(publicEventId('0b6c3a1e-5c8e-4f4b-9d2a-3f5e6d7c8b9b', 'ACM Private CA Creation')).not.toBe(id);
    expect(publicEventId('0b6c3a1e-5c8e-4f4b-9d2a-3f5e6d7c8b9a', 'Private CA Status Change')).not.toBe(id);
  });

  it("writes EventBridge's time: UTC to the second", () => {
    expect(eventBridgeTime('2026-12-07T18:22:22.987Z')).toBe('2026-12-07T18:22:22Z');
    expect(eventBridgeTime('2026-12-07T19:22:22+01:00')).toBe('2026-12-07T18:22:22Z');
    expect(() => eventBridgeTime('yesterday')).toThrow(/not a time/);
  });

  it("takes the account and region from the CA's ARN", () => {
    const event = caPublicEvent('0b6c3a1e-5c8e-4f4b-9d2a-3f5e6d7c8b9a', 'ACM Private CA Creation', ca, '2026-12-07T18:22:22.987Z', [ca], { result: 'success' });
    expect(event).toMatchObject({ version: '0', source: 'aws.acm-pca', account: '123456789012', region: 'eu-west-1', time: '2026-12-07T18:22:22Z', resources: [ca] });
    expect(publicEventProblems(event)).toEqual([]);
    expect(shapeDifferences(event as never, AWS_PCA_EVENT_EXAMPLES['ACM Private CA Creation'].success)).toEqual([]);
    expect(() => caPublicEvent('x', 'ACM Private CA Creation', 'arn:aws:s3:::bucket', '2026-12-07T18:22:22Z', [], {})).toThrow(/not a CA ARN/);
  });

  it('files each event under its account, source and slug', () => {
    expect(publicEventSubject('pki', { account: '123456789012', source: 'aws.acm-pca', 'detail-type': 'ACM Private CA Certificate Issuance' })).toBe('pki.events.123456789012.aws.acm-pca.certificate-issuance');
    expect(publicEventSubject('t1', { account: '123456789012', source: 'pki.acm-pca', 'detail-type': 'Private CA Status Change' })).toBe('t1.events.123456789012.pki.acm-pca.ca-status-change');
    expect(() => publicEventSubject('pki', { account: '12*', source: 'aws.acm-pca', 'detail-type': 'ACM Private CA Creation' })).toThrow(/subject token/);
  });

  it('tells a shape that differs from AWS apart', () => {
    const aws = AWS_PCA_EVENT_EXAMPLES['ACM Private CA Certificate Issuance'].success;
    expect(shapeDifferences({ ...aws, resources: [aws.resources[1], aws.resources[0]] }, aws)).toEqual(['resources: [certificate ARN, CA ARN], AWS: [CA ARN, certificate ARN]']);
    expect(shapeDifferences({ ...aws, detail: { result: 'success', extra: 1 } }, aws)).toEqual(['detail.extra: not in AWS\'s event']);
  });
});
