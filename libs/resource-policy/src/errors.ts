/**
 * A policy document that cannot be accepted (AWS: InvalidPolicyException). The message says
 * what is wrong; services map it to their DomainError (this lib depends on no other project).
 */
export class InvalidPolicyError extends Error {
  readonly code = 'InvalidPolicyException';
  constructor(message: string) {
    super(message);
    this.name = 'InvalidPolicyError';
  }
}
