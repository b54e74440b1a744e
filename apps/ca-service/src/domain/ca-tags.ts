import { DomainError, type CaTagV1 } from '@pki/contracts';
import type { Tag } from './certificate-authority.types';

/** "You can associate up to 50 tags with a private CA." (Tag, API reference) */
export const MAX_TAGS_PER_CA = 50;

export const normalizeTags = (tags: readonly Tag[]): CaTagV1[] => tags.map((tag) => ({ Key: tag.Key, Value: tag.Value ?? null }));

/** Keys starting with `aws:` are reserved for AWS use (tag restrictions). */
export function checkTagKeys(tags: readonly Tag[]): void {
  for (const tag of tags) {
    if (tag.Key.toLowerCase().startsWith('aws:')) {
      throw new DomainError('Malformed', `The tag key "${tag.Key}" uses the reserved prefix "aws:".`, 'InvalidTagException');
    }
  }
  const keys = new Set<string>();
  for (const tag of tags) {
    if (keys.has(tag.Key)) throw new DomainError('Malformed', `The tag key "${tag.Key}" appears more than once in the request.`, 'InvalidTagException');
    keys.add(tag.Key);
  }
}

/** Adds or overwrites tags by key; refuses to go over the 50-tag limit. */
export function mergeTags(current: readonly CaTagV1[], added: readonly CaTagV1[]): CaTagV1[] {
  const merged = current.map((tag) => ({ ...tag }));
  for (const tag of added) {
    const existing = merged.find((t) => t.Key === tag.Key);
    if (existing) existing.Value = tag.Value;
    else merged.push({ ...tag });
  }
  if (merged.length > MAX_TAGS_PER_CA) {
    throw new DomainError(
      'LimitExceeded',
      `A private CA can have at most ${MAX_TAGS_PER_CA} tags; it has ${current.length} and this request would make it ${merged.length}.`,
      'TooManyTagsException',
    );
  }
  return merged;
}

/**
 * UntagCertificateAuthority: "If you do not specify the value portion of the tag ... the tag
 * will be removed regardless of value. If you specify a value, the tag is removed only if it
 * is associated with the specified value."
 */
export function removeTags(current: readonly CaTagV1[], requested: readonly Tag[]): { kept: CaTagV1[]; removed: CaTagV1[] } {
  const kept: CaTagV1[] = [];
  const removed: CaTagV1[] = [];
  for (const tag of current) {
    const match = requested.some((r) => r.Key === tag.Key && (r.Value === undefined || r.Value === (tag.Value ?? '')));
    (match ? removed : kept).push(tag);
  }
  return { kept, removed };
}
