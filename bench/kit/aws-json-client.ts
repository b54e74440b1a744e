/**
 * The lean client of the benchmarks: AWS JSON 1.1 (`X-Amz-Target: <prefix>.<Operation>`,
 * `application/x-amz-json-1.1`) signed with ./sigv4 over a keep-alive node:http Agent, one socket
 * per client in flight. No retries, no middleware: an error answer becomes an AwsError named
 * after its `__type`, as the SDK names its exceptions.
 */
import { Agent, request as httpRequest } from 'node:http';
import { signRequest, type Credentials } from './sigv4';

export class AwsError extends Error {
  constructor(
    override readonly name: string,
    readonly status: number,
    message: string,
  ) {
    super(message);
  }
}

export interface AwsJsonClientOptions {
  readonly credentials: Credentials;
  readonly region?: string;
  /** Signing name in the credential scope (default `acm-pca`). */
  readonly service?: string;
  /** X-Amz-Target prefix (default `ACMPrivateCA`). */
  readonly targetPrefix?: string;
  /** Keep-alive sockets (default 64). */
  readonly sockets?: number;
}

export class AwsJsonClient {
  readonly agent: Agent;
  private readonly url: URL;
  /** HTTP requests sent so far (every call is one). */
  requests = 0;

  constructor(
    endpoint: string,
    private readonly options: AwsJsonClientOptions,
  ) {
    this.url = new URL(endpoint);
    if (this.url.protocol !== 'http:') throw new Error(`the lean client speaks plain HTTP to the local stack, not ${this.url.protocol}`);
    this.agent = new Agent({ keepAlive: true, maxSockets: options.sockets ?? 64 });
  }

  call<T = Record<string, unknown>>(operation: string, input: object): Promise<T> {
    const body = JSON.stringify(input);
    const headers = signRequest(
      {
        method: 'POST',
        path: '/',
        headers: { host: this.url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': `${this.options.targetPrefix ?? 'ACMPrivateCA'}.${operation}` },
        body,
      },
      this.options.credentials,
      { region: this.options.region ?? 'us-east-1', service: this.options.service ?? 'acm-pca' },
    );
    headers['content-length'] = String(Buffer.byteLength(body));
    this.requests++;
    return new Promise<T>((resolve, reject) => {
      const req = httpRequest({ host: this.url.hostname, port: this.url.port, method: 'POST', path: '/', agent: this.agent, headers }, (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('error', reject);
        res.on('end', () => {
          const text = Buffer.concat(chunks).toString('utf8');
          let json: Record<string, unknown>;
          try {
            json = text === '' ? {} : (JSON.parse(text) as Record<string, unknown>);
          } catch {
            return reject(new AwsError('UnparsableResponse', res.statusCode ?? 0, `${operation}: HTTP ${res.statusCode} ${text.slice(0, 200)}`));
          }
          if (res.statusCode === 200) return resolve(json as T);
          const type = String(json.__type ?? res.headers['x-amzn-errortype'] ?? `HTTP${res.statusCode}`);
          reject(new AwsError(type.slice(type.lastIndexOf('#') + 1).split(':')[0]!, res.statusCode ?? 0, `${operation}: ${String(json.message ?? json.Message ?? text)}`));
        });
      });
      req.on('error', reject);
      req.end(body);
    });
  }

  close(): void {
    this.agent.destroy();
  }
}
