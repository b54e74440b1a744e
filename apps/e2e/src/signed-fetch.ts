import { SignatureV4 } from '@smithy/signature-v4';
import { Sha256 } from '@pki/testing';

export interface Credentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
}

/**
 * A SigV4-signed awsJson1_1 request made with the SDK's signer, for the cases the typed
 * clients cannot express (an unknown target, an oversized body).
 */
export async function signedJsonRequest(
  endpoint: string,
  target: string,
  body: string,
  credentials: Credentials,
  options: { service?: string; region?: string } = {},
): Promise<{ status: number; headers: Headers; json: Record<string, unknown> }> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ service: options.service ?? 'acm-pca', region: options.region ?? 'us-east-1', credentials, sha256: Sha256 as never });
  const signed = await signer.sign({
    method: 'POST',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: '/',
    query: {},
    headers: { host: url.host, 'content-type': 'application/x-amz-json-1.1', 'x-amz-target': target },
    body,
  });
  const response = await fetch(endpoint + '/', { method: 'POST', headers: signed.headers as Record<string, string>, body });
  const text = await response.text();
  let json: Record<string, unknown> = {};
  try {
    json = JSON.parse(text) as Record<string, unknown>;
  } catch {
    json = { raw: text };
  }
  return { status: response.status, headers: response.headers, json };
}

/** A GET signed as the S3 SDKs sign it: service `s3`, path not re-encoded, unsigned payload. */
export async function signedS3Get(endpoint: string, pathname: string, credentials: Credentials): Promise<Response> {
  const url = new URL(endpoint);
  const signer = new SignatureV4({ service: 's3', region: 'us-east-1', credentials, sha256: Sha256 as never, uriEscapePath: false });
  const signed = await signer.sign({
    method: 'GET',
    protocol: 'http:',
    hostname: url.hostname,
    port: Number(url.port),
    path: pathname,
    query: {},
    headers: { host: url.host, 'x-amz-content-sha256': 'UNSIGNED-PAYLOAD' },
  });
  return fetch(endpoint + pathname, { headers: signed.headers as Record<string, string> });
}
