/** The parts of an HTTP exchange the gateway's routing works on (framework-free, testable). */
export interface GatewayRequest {
  readonly method: string;
  /** Path as received on the wire (still percent-encoded), without the query. */
  readonly rawPath: string;
  readonly rawQuery: string;
  /** Lower-case header names. */
  readonly headers: Record<string, string | string[] | undefined>;
  readonly body: Buffer;
}
