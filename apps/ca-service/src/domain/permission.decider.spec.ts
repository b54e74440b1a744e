import { deciderSpec } from '@pki/testing';
import { decidePermission, evolvePermission, initialPermissionState, MAX_PERMISSIONS_PER_CA, type PermissionCommand } from './permission.decider';

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
const { given, history } = deciderSpec({ decide: decidePermission, evolve: evolvePermission, initialState: initialPermissionState });

describe('permission decider', () => {
  it('given none, when CreatePermission, then PermissionCreated with the actions in AWS order, once each, and its policy', () => {
    const [event, ...rest] = given([]).when(create()).events();
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
    given(history(create())).when(create({ actions: ['GetCertificate'] })).thenThrows({ code: 'PermissionAlreadyExistsException' });
    // Another source account is another permission.
    expect(given(history(create())).when(create({ sourceAccount: '999999999999' })).events()).toHaveLength(1);
  });

  it(`given ${MAX_PERMISSIONS_PER_CA} permissions, when one more is created, then LimitExceededException`, () => {
    const full = given(history(...Array.from({ length: MAX_PERMISSIONS_PER_CA }, (_, i) => create({ sourceAccount: String(100000000000 + i) }))));
    expect(full.state.permissions.size).toBe(MAX_PERMISSIONS_PER_CA);
    full.when(create({ sourceAccount: '999999999999' })).thenThrows({ code: 'LimitExceededException', message: /maximum of 100/ });
  });

  it('refuses a principal other than acm.amazonaws.com (ValidationException) for create and delete', () => {
    for (const command of [create({ principal: 'ec2.amazonaws.com' }), remove({ principal: '222222222222' })]) {
      given([]).when(command).thenThrows({ code: 'ValidationException', message: /only valid principal is acm.amazonaws.com/ });
    }
  });

  it('refuses actions outside IssueCertificate, GetCertificate, ListPermissions, and an empty list', () => {
    given([]).when(create({ actions: ['RevokeCertificate'] })).thenThrows({ message: /Actions RevokeCertificate are not valid/ });
    given([]).when(create({ actions: [] })).thenThrows({ message: /at least one/ });
  });

  it.each(['DELETED', 'FAILED'])('refuses CreatePermission and DeletePermission on a %s CA with InvalidStateException', (caStatus) => {
    for (const command of [create({ caStatus, sourceAccount: '999999999999' }), remove({ caStatus })]) {
      given(history(create())).when(command).thenThrows({ code: 'InvalidStateException' });
    }
  });

  it('given the permission, when deleted, then PermissionDeleted; given none, ResourceNotFoundException', () => {
    const permitted = given(history(create()));
    permitted
      .when(remove())
      .then([
        { type: 'PermissionDeleted', schemaVersion: 1, data: { certificateAuthorityId: caId, certificateAuthorityArn: caArn, principal: ACM, sourceAccount: '111111111111', deletedAt: now.toISOString() } },
      ]);
    expect(permitted.when(remove()).state().permissions.size).toBe(0);
    given([]).when(remove()).thenThrows({ code: 'ResourceNotFoundException' });
    permitted.when(remove({ sourceAccount: '999999999999' })).thenThrows({ code: 'ResourceNotFoundException' });
  });
});
