import { parseEnvelope } from './parse-envelope';

describe('parseEnvelope', () => {
  const good = { id: 'e1', stream: 's', version: 1, type: 'T', schemaVersion: 1, occurredAt: '2025-01-01T00:00:00.000Z', correlationId: 'c', causationId: null, accountId: 'a', data: {} };

  it('accepts a complete envelope', () => {
    expect(parseEnvelope(JSON.stringify(good))).toEqual({ ok: true, envelope: good });
  });

  it('rejects unparsable and incomplete bodies with a reason', () => {
    const notJson = parseEnvelope('{nope');
    expect(notJson.ok).toBe(false);
    const incomplete = parseEnvelope(JSON.stringify({ ...good, version: '1', id: undefined }));
    expect(incomplete.ok || incomplete.error.message).toBe('not an event envelope (bad id, version)');
  });
});
