import type { DomainError } from '@pki/contracts';

/** The DomainError a decider throws, for specs that check its code and message; fails when nothing is thrown. */
export function errorOf(fn: () => unknown): DomainError {
  try {
    fn();
  } catch (error) {
    return error as DomainError;
  }
  throw new Error('expected an error');
}
