import { DomainError, type ClientAuthenticationType, type CommandMessage } from '@pki/contracts';
import type { CommandHandlers } from '@pki/service-kit';
import { accessDirectory, requireCertificateSupport } from '../domain/directory-access';
import type { DirectoryContext } from './directory-context';
import { executeDirectoryCommand, loadDirectory, metaOf, regionOfCaller } from './directory-command';

const epochSeconds = (date: Date): number => date.getTime() / 1000;

interface SettingsInput {
  readonly DirectoryId: string;
  readonly Type?: string;
  readonly NextToken?: string;
  readonly Limit?: number;
}

/** Every setting fits on one page, so no NextToken is ever handed out and none is accepted. */
function refuseNextToken(input: SettingsInput, code: string): void {
  if (input.NextToken !== undefined) throw new DomainError('Malformed', 'The NextToken is not valid; this operation returned no NextToken to continue from.', code);
}

async function settingsDirectory(context: DirectoryContext, message: CommandMessage, directoryId: string) {
  const { state } = await loadDirectory(context, directoryId, regionOfCaller(context, message.caller));
  const directory = accessDirectory(state, directoryId, message.caller.accountId, 'DirectoryDoesNotExistException');
  requireCertificateSupport(directory);
  return directory;
}

export function settingsHandlers(context: DirectoryContext): CommandHandlers {
  const run = (message: CommandMessage, directoryId: string, command: Parameters<typeof executeDirectoryCommand>[2]) =>
    executeDirectoryCommand(context, directoryId, command, metaOf(message), regionOfCaller(context, message.caller)).then(() => ({}));

  return {
    EnableLDAPS: (message) => {
      const { DirectoryId } = message.input as SettingsInput;
      return run(message, DirectoryId, () => ({ type: 'EnableLDAPS', directoryId: DirectoryId, accountId: message.caller.accountId, now: context.now() }));
    },
    DisableLDAPS: (message) => {
      const { DirectoryId } = message.input as SettingsInput;
      return run(message, DirectoryId, () => ({ type: 'DisableLDAPS', directoryId: DirectoryId, accountId: message.caller.accountId, now: context.now() }));
    },
    async DescribeLDAPSSettings(message) {
      const input = message.input as SettingsInput;
      // DescribeLDAPSSettings models InvalidNextTokenException.
      refuseNextToken(input, 'InvalidNextTokenException');
      const directory = await settingsDirectory(context, message, input.DirectoryId);
      const info: Record<string, unknown> = { LDAPSStatus: directory.ldaps.enabled ? 'Enabled' : 'Disabled' };
      if (directory.ldaps.lastUpdated) info.LastUpdatedDateTime = epochSeconds(directory.ldaps.lastUpdated);
      return { LDAPSSettingsInfo: [info] };
    },
    EnableClientAuthentication: (message) => {
      const { DirectoryId, Type } = message.input as SettingsInput;
      return run(message, DirectoryId, () => ({
        type: 'EnableClientAuthentication',
        directoryId: DirectoryId,
        accountId: message.caller.accountId,
        clientAuthenticationType: Type as ClientAuthenticationType,
        now: context.now(),
      }));
    },
    DisableClientAuthentication: (message) => {
      const { DirectoryId, Type } = message.input as SettingsInput;
      return run(message, DirectoryId, () => ({
        type: 'DisableClientAuthentication',
        directoryId: DirectoryId,
        accountId: message.caller.accountId,
        clientAuthenticationType: Type as ClientAuthenticationType,
        now: context.now(),
      }));
    },
    async DescribeClientAuthenticationSettings(message) {
      const input = message.input as SettingsInput;
      // DescribeClientAuthenticationSettings models no InvalidNextTokenException: InvalidParameterException.
      refuseNextToken(input, 'InvalidParameterException');
      const directory = await settingsDirectory(context, message, input.DirectoryId);
      const types: ClientAuthenticationType[] = input.Type ? [input.Type as ClientAuthenticationType] : ['SmartCard', 'SmartCardOrPassword'];
      return {
        ClientAuthenticationSettingsInfo: types.map((type) => {
          const setting = directory.clientAuthentication[type];
          const info: Record<string, unknown> = { Type: type, Status: setting.enabled ? 'Enabled' : 'Disabled' };
          if (setting.lastUpdated) info.LastUpdatedDateTime = epochSeconds(setting.lastUpdated);
          return info;
        }),
      };
    },
  };
}
