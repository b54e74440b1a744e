import { signingKey } from './sigv4-canonical';

/**
 * Derived SigV4 signing keys, per (access key, date, region, service). A key is four chained
 * HMACs of the secret (`signingKey`) and stays the same for a whole day of one scope, so a
 * verifier that derived it for every request spent most of its HMAC work on it. The secret is
 * kept beside each entry and compared on use: a key whose secret changed is derived again.
 *
 * Only scopes of requests that named a known access key, the deployment's region, an accepted
 * service and a date within the clock-skew window reach this table (verifySigV4 checks them
 * first), so it stays small; MAX_ENTRIES bounds it in any case (reaching it empties it).
 */
const MAX_ENTRIES = 1024;

interface Entry {
  readonly secretAccessKey: string;
  readonly key: Buffer;
}

const keys = new Map<string, Entry>();

export const cachedSigningKey = (accessKeyId: string, secretAccessKey: string, shortDate: string, region: string, service: string): Buffer => {
  const id = `${accessKeyId}/${shortDate}/${region}/${service}`;
  const found = keys.get(id);
  if (found && found.secretAccessKey === secretAccessKey) return found.key;
  const key = signingKey(secretAccessKey, shortDate, region, service);
  if (keys.size >= MAX_ENTRIES) keys.clear();
  keys.set(id, { secretAccessKey, key });
  return key;
};
