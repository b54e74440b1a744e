import { DomainError } from '@pki/contracts';
import type { DirectoryState, PresentDirectory } from './directory.state';

/**
 * Which exception "no such directory" is, per operation as the SDK models it: the directory
 * operations (DescribeDirectories, DeleteDirectory) model EntityDoesNotExistException, the
 * certificate and settings operations DirectoryDoesNotExistException. A directory of another
 * account does not exist for the caller (never Forbidden: that would confirm the id).
 */
export type NotFoundCode = 'EntityDoesNotExistException' | 'DirectoryDoesNotExistException';

export function directoryNotFound(directoryId: string, code: NotFoundCode): DomainError {
  return new DomainError('NotFound', `Directory ${directoryId} does not exist.`, code);
}

/** The caller's directory, or the not-found exception; Deleted directories are gone. */
export function accessDirectory(state: DirectoryState, directoryId: string, accountId: string, code: NotFoundCode): PresentDirectory {
  if (state.status !== 'Present' || state.facts.accountId !== accountId || state.stage === 'Deleted') throw directoryNotFound(directoryId, code);
  return state;
}

/**
 * Certificates and secure-LDAP / client-authentication settings are features of AWS Managed
 * Microsoft AD (and AD Connector); Simple AD supports neither.
 */
export function requireCertificateSupport(state: PresentDirectory): void {
  if (state.facts.directoryType === 'SimpleAD') {
    throw new DomainError(
      'NotImplemented',
      `Directory ${state.facts.directoryId} is a Simple AD directory, which supports neither certificate registration, secure LDAP nor client certificate authentication; use an AWS Managed Microsoft AD directory.`,
      'UnsupportedOperationException',
    );
  }
}

/** The directory must be Active; `code` is DirectoryUnavailableException where the operation models it, else ClientException. */
export function requireActive(state: PresentDirectory, code: 'DirectoryUnavailableException' | 'ClientException' = 'DirectoryUnavailableException'): void {
  if (state.stage !== 'Active') {
    throw new DomainError('InvalidState', `Directory ${state.facts.directoryId} is ${state.stage}; retry when its Stage is Active (DescribeDirectories).`, code);
  }
}
