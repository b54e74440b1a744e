import { DIRECTORY_EVENT_TYPES as T, DomainError } from '@pki/contracts';
import { accessDirectory } from './directory-access';
import { event, type DirectoryEvent } from './directory.events';
import type { DirectoryState } from './directory.state';

/** "A resource can have up to 50 tags" (AWS Directory Service quotas; AddTagsToResource TagLimitExceededException). */
export const MAX_TAGS_PER_DIRECTORY = 50;

/** "The aws: prefix is reserved for AWS use" (Tag.Key): such keys can be neither added nor removed. */
const RESERVED_PREFIX = /^aws:/i;

export interface TagInput {
  readonly Key: string;
  readonly Value: string;
}

export type TagCommand =
  | { readonly type: 'AddTags'; readonly directoryId: string; readonly accountId: string; readonly tags: readonly TagInput[]; readonly now: Date }
  | { readonly type: 'RemoveTags'; readonly directoryId: string; readonly accountId: string; readonly tagKeys: readonly string[]; readonly now: Date };

const invalidParameter = (message: string) => new DomainError('Malformed', message, 'InvalidParameterException');

function checkKeys(keys: readonly string[]): void {
  const reserved = keys.find((key) => RESERVED_PREFIX.test(key));
  if (reserved !== undefined) throw invalidParameter(`Tag key ${reserved} uses the reserved prefix aws:; choose another key.`);
  if (new Set(keys).size !== keys.length) throw invalidParameter('Tags must not repeat a Key.');
}

/**
 * Tags given at creation (CreateDirectory, CreateMicrosoftAD, ConnectDirectory): the same key
 * rules; these operations model no TagLimitExceededException, so too many is InvalidParameterException.
 */
export function checkCreationTags(tags: readonly TagInput[]): void {
  if (tags.length > MAX_TAGS_PER_DIRECTORY) throw invalidParameter(`A directory can have at most ${MAX_TAGS_PER_DIRECTORY} tags; got ${tags.length}.`);
  checkKeys(tags.map((t) => t.Key));
}

export function decideTags(command: TagCommand, state: DirectoryState): DirectoryEvent[] {
  // AddTagsToResource / RemoveTagsFromResource / ListTagsForResource model EntityDoesNotExistException.
  const directory = accessDirectory(state, command.directoryId, command.accountId, 'EntityDoesNotExistException');
  const at = command.now.toISOString();
  if (command.type === 'AddTags') {
    if (command.tags.length === 0) throw invalidParameter('Tags must name at least one tag.');
    checkKeys(command.tags.map((t) => t.Key));
    const after = new Set([...Object.keys(directory.tags), ...command.tags.map((t) => t.Key)]);
    if (after.size > MAX_TAGS_PER_DIRECTORY) {
      throw new DomainError(
        'LimitExceeded',
        `Directory ${command.directoryId} would have ${after.size} tags, more than the limit (${MAX_TAGS_PER_DIRECTORY}); remove some first (RemoveTagsFromResource).`,
        'TagLimitExceededException',
      );
    }
    return [event(T.DirectoryTagsAdded, { directoryId: command.directoryId, tags: command.tags.map((t) => ({ key: t.Key, value: t.Value })), at })];
  }
  if (command.tagKeys.length === 0) throw invalidParameter('TagKeys must name at least one tag key.');
  checkKeys(command.tagKeys);
  // Keys the directory does not have are ignored (removing is idempotent), as on AWS.
  const present = command.tagKeys.filter((key) => Object.hasOwn(directory.tags, key));
  return present.length === 0 ? [] : [event(T.DirectoryTagsRemoved, { directoryId: command.directoryId, tagKeys: present, at })];
}
