import { DomainError } from '@pki/contracts';
import { decidePermission, evolvePermission, initialPermissionState, MAX_PERMISSIONS_PER_CA, type PermissionCommand, type PermissionState } from './permission.decider';
import type { PermissionEvent } from './permission.events';

const caId = '11111111-2222-3333-4444-555555555555';
const caArn = `arn:aws:acm-pca:us-east-1:111111111111:certificate-authority/${caId}`;
const now = new Date('2026-11-22T10:00:00.000Z');
const ca = { certificateAuthorityId: caId, caArn, caStatus: 'CREATING', now };
const ACM = 'acm.amazonaws.com';

const create = (overrides: Partial<Extract<PermissionCommand, { type: 'CreatePermission' }>> = {}): PermissionCommand => ({
  type: 'CreatePermission',
  ...ca,
  principal: ACM,
  sourceAccount: '111111111111',
  actions: ['ListPermissions', 'IssueCertificate', 'GetCertificate', 'IssueCertificate'],
  ...overrides,
});
const remove = (overrides: Partial<Extract<PermissionCommand, { type: 'DeletePermission' }>> = {}): PermissionCommand => ({
  type: 'DeletePermission',
  ...ca,
  principal: ACM,
  sourceAccount: '111111111111',
  ...overrides,
});
const given = (events: PermissionEvent[]): PermissionState => events.reduce(evolvePermission, initialPermissionState);

function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    if (error instanceof DomainError) return error;
    throw error;
  }
  throw new Error('expected a DomainError');
}

describe('permission decider', () => {
  it('given none, when CreatePermission, then PermissionCreated with the actions in AWS order, once each, and its policy', () => {
    const [event, ...rest] = decidePermission(create(), initialPermissionState);
    expect(rest).toEqual([]);
    expect(event).toMatchObject({
      type: 'PermissionCreated',
      schemaVersion: 1,
      data: { certificateAuthorityId: caId, certificateAuthorityArn: caArn, principal: ACM, sourceAccount: '111111111111', actions: ['IssueCertificate', 'GetCertificate', 'ListPermissions'], createdAt: now.toISOString() },
    });
    const policy = JSON.parse((event!.data as { policy: string }).policy);
    expect(policy.Statement[0]).toMatchObject({
      Effect: 'Allow',
      Principal: { Service: ACM },
      Action: ['acm-pca:IssueCertificate', 'acm-pca:GetCertificate', 'acm-pca:ListPermissions'],
      Resource: caArn,
      Condition: { StringEquals: { 'aws:SourceAccount': '111111111111' } },
    });
  });

  it('given the permission, when created again (even with other actions), then PermissionAlreadyExistsException', () => {
    const state = given(decidePermission(create(), initialPermissionState));
    const error = errorOf(() => decidePermission(create({ actions: ['GetCertificate'] }), state));
    expect(error.code).toBe('PermissionAlreadyExistsException');
    // Another source account is another permission.
    expect(decidePermission(create({ sourceAccount: '999999999999' }), state)).toHaveLength(1);
  });

  it(`given ${MAX_PERMISSIONS_PER_CA} permissions, when one more is created, then LimitExceededException`, () => {
    let state = initialPermissionState;
    for (let i = 0; i < MAX_PERMISSIONS_PER_CA; i++) state = decidePermission(create({ sourceAccount: String(100000000000 + i) }), state).reduce(evolvePermission, state);
    expect(state.permissions.size).toBe(MAX_PERMISSIONS_PER_CA);
    const error = errorOf(() => decidePermission(create({ sourceAccount: '999999999999' }), state));
    expect(error.code).toBe('LimitExceededException');
    expect(error.message).toMatch(/maximum of 100/);
  });

  it('refuses a principal other than acm.amazonaws.com (ValidationException) for create and delete', () => {
    for (const command of [create({ principal: 'ec2.amazonaws.com' }), remove({ principal: '222222222222' })]) {
      const error = errorOf(() => decidePermission(command, initialPermissionState));
      expect(error.code).toBe('ValidationException');
      expect(error.message).toMatch(/only valid principal is acm.amazonaws.com/);
    }
  });

  it('refuses actions outside IssueCertificate, GetCertificate, ListPermissions, and an empty list', () => {
    expect(errorOf(() => decidePermission(create({ actions: ['RevokeCertificate'] }), initialPermissionState)).message).toMatch(/Actions RevokeCertificate are not valid/);
    expect(errorOf(() => decidePermission(create({ actions: [] }), initialPermissionState)).message).toMatch(/at least one/);
  });

  it.each(['DELETED', 'FAILED'])('refuses CreatePermission and DeletePermission on a %s CA with InvalidStateException', (caStatus) => {
    const state = given(decidePermission(create(), initialPermissionState));
    for (const command of [create({ caStatus, sourceAccount: '999999999999' }), remove({ caStatus })]) {
      expect(errorOf(() => decidePermission(command, state)).code).toBe('InvalidStateException');
    }
  });

  it('given the permission, when deleted, then PermissionDeleted; given none, ResourceNotFoundException', () => {
    const state = given(decidePermission(create(), initialPermissionState));
    const events = decidePermission(remove(), state);
    expect(events).toEqual([
      { type: 'PermissionDeleted', schemaVersion: 1, data: { certificateAuthorityId: caId, certificateAuthorityArn: caArn, principal: ACM, sourceAccount: '111111111111', deletedAt: now.toISOString() } },
    ]);
    expect(events.reduce(evolvePermission, state).permissions.size).toBe(0);
    expect(errorOf(() => decidePermission(remove(), initialPermissionState)).code).toBe('ResourceNotFoundException');
    expect(errorOf(() => decidePermission(remove({ sourceAccount: '999999999999' }), state)).code).toBe('ResourceNotFoundException');
  });
});
