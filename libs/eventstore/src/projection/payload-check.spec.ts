import type { EventEnvelope } from '@pki/contracts';
import { payloadProblem } from './payload-check';
import type { Projection } from './projection';

describe('payloadProblem', () => {
  const envelope = (type: string, data: unknown, schemaVersion = 1): EventEnvelope => ({ id: 'e1', stream: 's', version: 1, type, schemaVersion, occurredAt: '2026-11-22T10:00:00.000Z', correlationId: 'c', causationId: null, accountId: 'a', data });
  const projection = (eventTypes?: string[]): Projection => ({ name: 'p', eventTypes, apply: async () => undefined });
  const policyDeleted = { certificateAuthorityId: 'id', certificateAuthorityArn: 'arn', ownerAccount: '111111111111', deletedAt: '2026-11-22T10:00:00.000Z' };

  it('checks the types a projection declares against libs/contracts', () => {
    const declares = projection(['PolicyDeleted', 'Unschematized']);
    expect(payloadProblem(declares, envelope('PolicyDeleted', policyDeleted))).toBeUndefined();
    expect(payloadProblem(declares, envelope('PolicyDeleted', { ...policyDeleted, deletedAt: 5 }))?.message).toBe('PolicyDeleted v1: data.deletedAt must be an ISO-8601 timestamp (got number)');
    expect(payloadProblem(declares, envelope('PolicyDeleted', policyDeleted, 2))?.message).toBe('PolicyDeleted v2: no payload schema for this version (known: v1)');
    expect(payloadProblem(declares, envelope('Unschematized', {}))?.message).toBe('Unschematized v1: no payload schema for event type Unschematized in libs/contracts');
  });

  it('leaves alone the types it ignores, and projections that declare none', () => {
    expect(payloadProblem(projection(['PolicyPut']), envelope('PolicyDeleted', null))).toBeUndefined();
    expect(payloadProblem(projection(), envelope('PolicyDeleted', null))).toBeUndefined();
  });

  it('uses the validator it is given', () => {
    expect(payloadProblem(projection(['Numbered']), envelope('Numbered', { n: 1 }), () => undefined)).toBeUndefined();
    expect(payloadProblem(projection(['Numbered']), envelope('Numbered', {}), (type, version) => `${type} v${version}: no n`)?.message).toBe('Numbered v1: no n');
  });
});
