import { DomainError, type CommandMessage, type DirectoryKind } from '@pki/contracts';
import type { CommandHandlers } from '@pki/service-kit';
import type { ConnectDirectoryInput } from '../domain/ad-connector';
import { accessDirectory } from '../domain/directory-access';
import { settingEntries, requireSettingsSupport, type SettingInput } from '../domain/directory-settings';
import type { TagInput } from '../domain/directory-tags';
import { DIRECTORY_LIMITS } from '../domain/directory.decider';
import { directoryDb } from '../infrastructure/database';
import { countDirectories } from '../infrastructure/directory.queries';
import type { DirectoryContext } from './directory-context';
import { executeDirectoryCommand, loadDirectory, metaOf, regionOfCaller } from './directory-command';

/** ListTagsForResource page size when Limit is absent or 0 (a directory has at most 50 tags: one page). */
const DEFAULT_TAGS_LIMIT = 50;

const invalidNextToken = () => new DomainError('Malformed', 'The NextToken is not valid; pass the NextToken of a previous response unchanged.', 'InvalidNextTokenException');

/** ListTagsForResource's NextToken: the position of the next tag (tags keep the order they were added in). */
const encodeTagToken = (offset: number): string => Buffer.from(JSON.stringify({ o: offset })).toString('base64url');
function decodeTagToken(token: string): number {
  let parsed: unknown;
  try {
    parsed = JSON.parse(Buffer.from(token, 'base64url').toString('utf8'));
  } catch {
    throw invalidNextToken();
  }
  const offset = (parsed as { o?: unknown } | null)?.o;
  if (typeof offset !== 'number' || !Number.isInteger(offset) || offset < 1) throw invalidNextToken();
  return offset;
}

/**
 * ConnectDirectory, GetDirectoryLimits, the tag operations and DescribeSettings / UpdateSettings:
 * kept apart from directory.handlers.ts and settings.handlers.ts, reusing their load/execute helpers.
 */
export function directoryExtrasHandlers(context: DirectoryContext): CommandHandlers {
  // Limits are per account and region, as on AWS.
  const scopeOf = (message: CommandMessage) => ({ region: regionOfCaller(context, message.caller), defaultRegion: context.region });
  const counts = async (message: CommandMessage): Promise<Record<DirectoryKind, number>> => {
    const db = directoryDb(context.db);
    const { accountId } = message.caller;
    const [SimpleAD, MicrosoftAD, ADConnector] = await Promise.all([
      countDirectories(db, accountId, 'SimpleAD', scopeOf(message)),
      countDirectories(db, accountId, 'MicrosoftAD', scopeOf(message)),
      countDirectories(db, accountId, 'ADConnector', scopeOf(message)),
    ]);
    return { SimpleAD, MicrosoftAD, ADConnector };
  };

  const loadForTags = async (message: CommandMessage, directoryId: string) => {
    const { state } = await loadDirectory(context, directoryId, regionOfCaller(context, message.caller));
    return accessDirectory(state, directoryId, message.caller.accountId, 'EntityDoesNotExistException');
  };

  return {
    async ConnectDirectory(message) {
      const input = message.input as ConnectDirectoryInput;
      const { accountId } = message.caller;
      const region = regionOfCaller(context, message.caller);
      const existingDirectories = await countDirectories(directoryDb(context.db), accountId, 'ADConnector', scopeOf(message));
      const directoryId = context.newDirectoryId();
      await executeDirectoryCommand(context, directoryId, () => ({ type: 'ConnectDirectory', directoryId, accountId, input, existingDirectories, region, now: context.now() }), metaOf(message), region);
      return { DirectoryId: directoryId };
    },

    async GetDirectoryLimits(message) {
      const current = await counts(message);
      // "Cloud-only directories" are Simple AD; Microsoft AD and AD Connector ("connected") are counted apart.
      return {
        DirectoryLimits: {
          CloudOnlyDirectoriesLimit: DIRECTORY_LIMITS.SimpleAD,
          CloudOnlyDirectoriesCurrentCount: current.SimpleAD,
          CloudOnlyDirectoriesLimitReached: current.SimpleAD >= DIRECTORY_LIMITS.SimpleAD,
          CloudOnlyMicrosoftADLimit: DIRECTORY_LIMITS.MicrosoftAD,
          CloudOnlyMicrosoftADCurrentCount: current.MicrosoftAD,
          CloudOnlyMicrosoftADLimitReached: current.MicrosoftAD >= DIRECTORY_LIMITS.MicrosoftAD,
          ConnectedDirectoriesLimit: DIRECTORY_LIMITS.ADConnector,
          ConnectedDirectoriesCurrentCount: current.ADConnector,
          ConnectedDirectoriesLimitReached: current.ADConnector >= DIRECTORY_LIMITS.ADConnector,
        },
      };
    },

    async AddTagsToResource(message) {
      const { ResourceId, Tags } = message.input as { ResourceId: string; Tags: readonly TagInput[] };
      const { accountId } = message.caller;
      await executeDirectoryCommand(context, ResourceId, () => ({ type: 'AddTags', directoryId: ResourceId, accountId, tags: Tags, now: context.now() }), metaOf(message), regionOfCaller(context, message.caller));
      return {};
    },

    async RemoveTagsFromResource(message) {
      const { ResourceId, TagKeys } = message.input as { ResourceId: string; TagKeys: readonly string[] };
      const { accountId } = message.caller;
      await executeDirectoryCommand(context, ResourceId, () => ({ type: 'RemoveTags', directoryId: ResourceId, accountId, tagKeys: TagKeys, now: context.now() }), metaOf(message), regionOfCaller(context, message.caller));
      return {};
    },

    async ListTagsForResource(message) {
      const input = message.input as { ResourceId: string; NextToken?: string; Limit?: number };
      const directory = await loadForTags(message, input.ResourceId);
      const tags = Object.entries(directory.tags);
      const offset = input.NextToken !== undefined ? decodeTagToken(input.NextToken) : 0;
      if (offset > tags.length) throw invalidNextToken();
      const limit = input.Limit ? input.Limit : DEFAULT_TAGS_LIMIT;
      const items = tags.slice(offset, offset + limit).map(([Key, Value]) => ({ Key, Value }));
      const next = offset + items.length;
      return { Tags: items, ...(next < tags.length ? { NextToken: encodeTagToken(next) } : {}) };
    },

    async DescribeSettings(message) {
      const input = message.input as { DirectoryId: string; Status?: string; NextToken?: string };
      const { state } = await loadDirectory(context, input.DirectoryId, regionOfCaller(context, message.caller));
      const directory = accessDirectory(state, input.DirectoryId, message.caller.accountId, 'DirectoryDoesNotExistException');
      requireSettingsSupport(directory);
      // Every setting fits on one page: no NextToken is handed out, so none is valid.
      if (input.NextToken !== undefined) throw invalidNextToken();
      return { DirectoryId: input.DirectoryId, SettingEntries: settingEntries(directory, input.Status) };
    },

    async UpdateSettings(message) {
      const { DirectoryId, Settings } = message.input as { DirectoryId: string; Settings: readonly SettingInput[] };
      const { accountId } = message.caller;
      await executeDirectoryCommand(context, DirectoryId, () => ({ type: 'UpdateSettings', directoryId: DirectoryId, accountId, settings: Settings, now: context.now() }), metaOf(message), regionOfCaller(context, message.caller));
      return { DirectoryId };
    },
  };
}
