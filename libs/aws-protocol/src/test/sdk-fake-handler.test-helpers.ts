// Test-only helpers: excluded from the build (tsconfig.build.json ignores **/test/**), never exported.
import type { WireResponse } from '../http/wire-response.types';
import { toWire, type SdkRequest, type WireRequest } from './sigv4-signing.test-helpers';

/**
 * Test-only: an SDK `requestHandler` that hands the real client a canned response, so the
 * SDK's own deserializer (the contract) parses what this library produces. It also keeps
 * every request the SDK signed, as it would appear on the wire.
 */
export const fakeHandler = (respond: (req: WireRequest) => WireResponse) => {
  const sent: WireRequest[] = [];
  const handler = {
    async handle(request: SdkRequest) {
      const wire = toWire(request);
      sent.push(wire);
      const res = respond(wire);
      const headers: Record<string, string> = {};
      // Node's HTTP client lower-cases response header names; the SDK relies on it.
      for (const [name, value] of Object.entries(res.headers)) headers[name.toLowerCase()] = value;
      return { response: { statusCode: res.status, headers, body: Buffer.from(res.body, 'utf8') } };
    },
    updateHttpClientConfig() {},
    httpHandlerConfigs: () => ({}),
  };
  return { handler, sent };
};

export const sdkConfig = (handler: unknown) => ({
  region: 'us-east-1',
  endpoint: 'https://pki.example.test',
  credentials: { accessKeyId: 'AKIDEXAMPLE', secretAccessKey: 'wJalrXUtnFEMI/K7MDENG+bPxRfiCYEXAMPLEKEY' },
  requestHandler: handler as never,
  maxAttempts: 1,
});
