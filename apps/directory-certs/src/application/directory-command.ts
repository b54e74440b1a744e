import { DomainError, callerRegion, directoryStream, type Caller, type EventMetadata } from '@pki/contracts';
import { ConcurrencyError } from '@pki/eventstore';
import { decide, evolve, initialState, type DirectoryCommand } from '../domain/directory.decider';
import type { DirectoryEvent } from '../domain/directory.events';
import type { DirectoryState } from '../domain/directory.state';
import { directoryDb } from '../infrastructure/database';
import { upsertCertificate, upsertDirectory } from '../infrastructure/directory.queries';
import type { DirectoryContext } from './directory-context';

/** How often a command is re-decided when another writer appended first. */
const MAX_ATTEMPTS = 3;

/**
 * The directory as a caller of `region` sees it: a directory of another region is absent (as on
 * AWS, each region keeps its own directories: EntityDoesNotExistException or
 * DirectoryDoesNotExistException, as for an unknown id). `region` undefined: internal work (the
 * worker), which sees every region's.
 */
export async function loadDirectory(context: DirectoryContext, directoryId: string, region?: string): Promise<{ state: DirectoryState; version: number }> {
  const stored = await context.store.load(directoryStream(directoryId));
  const state = stored.reduce((s, e) => evolve(s, e as unknown as DirectoryEvent), initialState);
  if (region !== undefined && state.status === 'Present' && (state.facts.region ?? context.region) !== region) return { state: initialState, version: stored.length };
  return { state, version: stored.length };
}

/** The region a caller acts in: its SigV4 scope's, else the default region. */
export const regionOfCaller = (context: DirectoryContext, caller: Caller): string => callerRegion(caller, context.region);

/** Certificate ids an event is about (their read-model rows are rewritten with the append). */
function touchedCertificates(events: readonly DirectoryEvent[]): string[] {
  return events.flatMap((e) => ('certificateId' in e.data ? [e.data.certificateId] : []));
}

/**
 * load -> decide -> append, with the read models written in the append's transaction
 * (read-your-writes for DescribeDirectories / DescribeCertificate). A concurrent writer makes
 * the command be decided again on the new state. A rejected command writes nothing.
 */
export async function executeDirectoryCommand(
  context: DirectoryContext,
  directoryId: string,
  command: (state: DirectoryState) => DirectoryCommand,
  meta: EventMetadata,
  region?: string,
): Promise<{ state: DirectoryState; events: DirectoryEvent[] }> {
  for (let attempt = 1; ; attempt++) {
    // Another region's directory is decided on as absent: every command but CreateDirectory (a
    // fresh id) is then refused as not found, so nothing is ever appended to it from here.
    const { state, version } = await loadDirectory(context, directoryId, region);
    const events = decide(command(state), state);
    if (events.length === 0) return { state, events };
    const next = events.reduce(evolve, state);
    try {
      await context.store.append(directoryStream(directoryId), version, events, meta, async (trx) => {
        if (next.status !== 'Present') return;
        const db = directoryDb(trx);
        await upsertDirectory(db, next, version + events.length);
        for (const certificateId of touchedCertificates(events)) {
          const certificate = next.certificates[certificateId];
          if (certificate) await upsertCertificate(db, directoryId, next.facts.accountId, certificate);
        }
      });
      return { state: next, events };
    } catch (error) {
      if (!(error instanceof ConcurrencyError)) throw error;
      if (attempt >= MAX_ATTEMPTS) {
        throw new DomainError('Conflict', `Directory ${directoryId} was changed by another request at the same time; retry the request.`, 'ClientException', { cause: error });
      }
    }
  }
}

export function metaOf(message: { caller: { accountId: string }; requestId: string }): EventMetadata {
  return { accountId: message.caller.accountId, correlationId: message.requestId, causationId: null };
}
