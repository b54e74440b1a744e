import { buildEnvelopes, envelopeToRow, rowToEnvelope } from './envelope.mapping';

describe('envelope mapping', () => {
  const meta = { correlationId: 'req-1', causationId: null, accountId: '111122223333' };
  const now = new Date('2025-03-04T05:06:07.089Z');
  let n = 0;
  const newId = () => `00000000-0000-4000-8000-00000000000${++n}`;

  it('numbers new events after the expected version and stamps metadata', () => {
    const envelopes = buildEnvelopes('ca-1', 2, [{ type: 'A', schemaVersion: 1, data: { x: 1 } }, { type: 'B', schemaVersion: 2, data: [1] }], meta, now, newId);
    expect(envelopes.map((e) => [e.version, e.type, e.schemaVersion])).toEqual([[3, 'A', 1], [4, 'B', 2]]);
    expect(envelopes[0]).toMatchObject({ stream: 'ca-1', occurredAt: '2025-03-04T05:06:07.089Z', correlationId: 'req-1', causationId: null, accountId: '111122223333' });
    expect(new Set(envelopes.map((e) => e.id)).size).toBe(2);
  });

  it('round-trips through a row (as pg returns it)', () => {
    const [envelope] = buildEnvelopes('s', 0, [{ type: 'A', schemaVersion: 1, data: ['array', { deep: true }] }], meta, now, newId);
    const row = envelopeToRow(envelope);
    expect(row.data).toBe('["array",{"deep":true}]');
    const fromPg = { ...row, position: '7', occurred_at: row.occurred_at as Date, data: JSON.parse(row.data as string) };
    expect(rowToEnvelope(fromPg as never)).toEqual(envelope);
  });
});
