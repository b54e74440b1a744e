/** A complete HTTP response as plain data; the gateway copies it onto its framework's response. */
export interface WireResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  readonly body: string;
}

/** An AWS error before it is put on the wire: the exception name, its message and HTTP status. */
export interface AwsError {
  readonly code: string;
  readonly message: string;
  readonly status: number;
  /** Further members the exception shape models (e.g. IoT `resourceId`, Directory Service `RequestId`). */
  readonly fields?: Readonly<Record<string, unknown>>;
}
