import { DomainError, type CommandMessage } from '@pki/contracts';
import type { CaContext } from './ca-context';
import { resolveCa } from './lifecycle-command';

interface ListTagsInput {
  readonly CertificateAuthorityArn: string;
  readonly MaxResults?: number;
  readonly NextToken?: string;
}

/** Page size when MaxResults is absent: every tag (a CA has at most 50). */
const DEFAULT_PAGE_SIZE = 50;

/**
 * The token names the key of the next tag (tags keep their insertion order), so a page
 * boundary survives tags being added or removed between requests without repeating a tag.
 */
const encodeToken = (key: string) => Buffer.from(JSON.stringify({ k: key })).toString('base64url');

function decodeToken(token: string): string {
  try {
    const value = JSON.parse(Buffer.from(token, 'base64url').toString('utf8')) as { k?: unknown };
    if (typeof value?.k === 'string') return value.k;
  } catch {
    // fall through
  }
  // ListTags models no InvalidNextTokenException: AWS's generic ValidationException.
  throw new DomainError('Malformed', 'The NextToken is not valid; pass the NextToken of a previous ListTags response unchanged.', 'ValidationException');
}

/** ListTags with MaxResults/NextToken pagination (the SDK's ListTags paginator follows NextToken). */
export function listTagsHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<{ Tags: Array<{ Key: string; Value?: string }>; NextToken?: string }> => {
    const input = message.input as ListTagsInput;
    const row = await resolveCa(context, message, 'ListTags');
    const tags = row.tags;
    let start = 0;
    if (input.NextToken !== undefined) {
      const key = decodeToken(input.NextToken);
      start = tags.findIndex((t) => t.Key === key);
      // The tag the token points at was removed between the requests: there is no position to
      // resume from that cannot repeat a tag, so the listing ends (the caller may start over).
      if (start < 0) start = tags.length;
    }
    const limit = input.MaxResults ?? DEFAULT_PAGE_SIZE;
    const page = tags.slice(start, start + limit).map((t) => (t.Value === null ? { Key: t.Key } : { Key: t.Key, Value: t.Value }));
    const next = tags[start + limit];
    return next ? { Tags: page, NextToken: encodeToken(next.Key) } : { Tags: page };
  };
}
