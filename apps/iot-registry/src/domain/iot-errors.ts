import { DomainError } from '@pki/contracts';

/** The AWS IoT exceptions the deciders raise, each from the state or input that causes it. */
export const iotErrors = {
  notFound: (what: string, id: string) => new DomainError('NotFound', `The ${what} ${id} does not exist in this account.`, 'ResourceNotFoundException'),
  /**
   * ResourceAlreadyExistsException models `resourceId` and `resourceArn` next to `message` ("The ID
   * / ARN of the resource that caused the exception", AWS IoT API Reference); the ARN is the one
   * in the caller's account, never another account's.
   */
  alreadyExists: (what: string, resource: { readonly id: string; readonly arn: string }, message = `The ${what} ${resource.id} is already registered.`) =>
    new DomainError('Conflict', message, 'ResourceAlreadyExistsException', { fields: { resourceId: resource.id, resourceArn: resource.arn } }),
  invalidRequest: (message: string) => new DomainError('Malformed', message, 'InvalidRequestException'),
  certificateState: (message: string) => new DomainError('InvalidState', message, 'CertificateStateException'),
  transferCompleted: (message: string) => new DomainError('InvalidState', message, 'TransferAlreadyCompletedException'),
  /** DeleteCertificate / DeletePolicy: "You can't delete the resource because it is attached to one or more resources." */
  deleteConflict: (message: string) => new DomainError('Conflict', message, 'DeleteConflictException'),
  /** TransferCertificate: "You can't transfer the certificate because authorization policies are still attached." */
  transferConflict: (message: string) => new DomainError('Conflict', message, 'TransferConflictException'),
  /** UpdateThing / DeleteThing with an expectedVersion that is not the thing's version. */
  versionConflict: (message: string) => new DomainError('Conflict', message, 'VersionConflictException'),
  unauthorized: (message: string) => new DomainError('Forbidden', message, 'UnauthorizedException'),
  malformedPolicy: (message: string) => new DomainError('Malformed', message, 'MalformedPolicyException'),
  /** CreatePolicyVersion: "The number of policy versions exceeds the limit." */
  versionsLimitExceeded: (message: string) => new DomainError('Conflict', message, 'VersionsLimitExceededException'),
  limitExceeded: (message: string) => new DomainError('LimitExceeded', message, 'LimitExceededException'),
};
