import { DomainError, type CloudDirectoryKind, type CommandMessage } from '@pki/contracts';
import type { CommandHandlers } from '@pki/service-kit';
import type { CreateDirectoryInput } from '../domain/directory.decider';
import { directoryNotFound } from '../domain/directory-access';
import { directoryDb } from '../infrastructure/database';
import { countDirectories, existingDirectoryIds, listDirectories } from '../infrastructure/directory.queries';
import type { DirectoryContext } from './directory-context';
import { executeDirectoryCommand, metaOf, regionOfCaller } from './directory-command';
import { decodeNextToken, page } from './paging';

/** DescribeDirectories page size when Limit is absent or 0 ("the maximum specified by the limitations of the operation"). */
const DEFAULT_DESCRIBE_LIMIT = 100;

interface DescribeDirectoriesInput {
  readonly DirectoryIds?: readonly string[];
  readonly NextToken?: string;
  readonly Limit?: number;
}

function create(context: DirectoryContext, directoryType: CloudDirectoryKind) {
  return async (message: CommandMessage): Promise<{ DirectoryId: string }> => {
    const input = message.input as CreateDirectoryInput;
    const { accountId } = message.caller;
    // Created in the caller's region, and counted against that region's limit (AWS's limits are per account and Region).
    const region = regionOfCaller(context, message.caller);
    const existingDirectories = await countDirectories(directoryDb(context.db), accountId, directoryType, { region, defaultRegion: context.region });
    const directoryId = context.newDirectoryId();
    await executeDirectoryCommand(
      context,
      directoryId,
      () => ({ type: 'CreateDirectory', directoryId, accountId, directoryType, input, existingDirectories, region, now: context.now() }),
      metaOf(message),
      region,
    );
    return { DirectoryId: directoryId };
  };
}

export function directoryHandlers(context: DirectoryContext): CommandHandlers {
  return {
    CreateDirectory: create(context, 'SimpleAD'),
    CreateMicrosoftAD: create(context, 'MicrosoftAD'),

    async DescribeDirectories(message) {
      const input = message.input as DescribeDirectoriesInput;
      const { accountId } = message.caller;
      const db = directoryDb(context.db);
      // DescribeDirectories lists the caller's region only; a directory of another region does not exist here.
      const where = { region: regionOfCaller(context, message.caller), defaultRegion: context.region };
      const ids = input.DirectoryIds ? [...new Set(input.DirectoryIds)] : undefined;
      if (ids && ids.length === 0) throw new DomainError('Malformed', 'DirectoryIds must name at least one directory; omit it to describe all directories.', 'InvalidParameterException');
      if (ids) {
        // AWS refuses the whole request when a named directory does not exist (for this account).
        const found = await existingDirectoryIds(db, accountId, where, ids);
        const missing = ids.find((id) => !found.has(id));
        if (missing) throw directoryNotFound(missing, 'EntityDoesNotExistException');
      }
      const limit = input.Limit ? input.Limit : DEFAULT_DESCRIBE_LIMIT;
      const after = input.NextToken !== undefined ? decodeNextToken(input.NextToken) : undefined;
      const rows = await listDirectories(db, accountId, where, ids, limit + 1, after);
      const { items, nextToken } = page(rows, limit, (r) => ({ at: r.launch_time, id: r.id }));
      return { DirectoryDescriptions: items.map((r) => r.description), ...(nextToken ? { NextToken: nextToken } : {}) };
    },

    async DeleteDirectory(message) {
      const { DirectoryId } = message.input as { DirectoryId: string };
      const { accountId } = message.caller;
      await executeDirectoryCommand(
        context,
        DirectoryId,
        () => ({ type: 'DeleteDirectory', directoryId: DirectoryId, accountId, now: context.now() }),
        metaOf(message),
        regionOfCaller(context, message.caller),
      );
      return { DirectoryId };
    },
  };
}
