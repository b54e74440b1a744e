import { DomainError } from '@pki/contracts';

/** The AWS IoT exceptions the deciders raise, each from the state or input that causes it. */
export const iotErrors = {
  notFound: (what: string, id: string) => new DomainError('NotFound', `The ${what} ${id} does not exist in this account.`, 'ResourceNotFoundException'),
  alreadyExists: (what: string, id: string) => new DomainError('Conflict', `The ${what} ${id} is already registered.`, 'ResourceAlreadyExistsException'),
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
  limitExceeded: (message: string) => new DomainError('LimitExceeded', message, 'LimitExceededException'),
};
