/** The CA has no key pair in the configured key store (never generated, or destroyed). */
export class KeyNotFoundError extends Error {
  override readonly name = 'KeyNotFoundError';
  constructor(readonly certificateAuthorityId: string, detail = '') {
    super(`CA ${certificateAuthorityId} has no key pair in this key store${detail ? `: ${detail}` : ''}`);
  }
}

/** The stored key belongs to another backend, or generate() was asked for a different algorithm. */
export class KeyMismatchError extends Error {
  override readonly name = 'KeyMismatchError';
}
