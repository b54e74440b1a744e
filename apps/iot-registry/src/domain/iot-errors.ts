import { DomainError } from '@pki/contracts';

/** The AWS IoT exceptions the deciders raise, each from the state or input that causes it. */
export const iotErrors = {
  notFound: (what: string, id: string) => new DomainError('NotFound', `The ${what} ${id} does not exist in this account.`, 'ResourceNotFoundException'),
  alreadyExists: (what: string, id: string) => new DomainError('Conflict', `The ${what} ${id} is already registered.`, 'ResourceAlreadyExistsException'),
  invalidRequest: (message: string) => new DomainError('Malformed', message, 'InvalidRequestException'),
  certificateState: (message: string) => new DomainError('InvalidState', message, 'CertificateStateException'),
  transferCompleted: (message: string) => new DomainError('InvalidState', message, 'TransferAlreadyCompletedException'),
};
