/**
 * The two failure kinds of this library. Callers map them onto the platform's error taxonomy
 * (PkiParseError -> Malformed, e.g. AWS MalformedCSRException; PkiEncodeError -> a bug or a
 * validation gap upstream). Both carry a human-readable reason and, where one exists, a cause.
 */
export class PkiParseError extends Error {
  override readonly name = 'PkiParseError';
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}

export class PkiEncodeError extends Error {
  override readonly name = 'PkiEncodeError';
  constructor(
    readonly reason: string,
    options?: { cause?: unknown },
  ) {
    super(reason, options);
  }
}
