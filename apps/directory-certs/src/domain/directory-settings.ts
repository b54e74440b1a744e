import { DIRECTORY_EVENT_TYPES as T, DomainError } from '@pki/contracts';
import { accessDirectory, requireActive } from './directory-access';
import { event, type DirectoryEvent } from './directory.events';
import type { DirectoryState, PresentDirectory } from './directory.state';

/**
 * The directory settings this platform models: the secure-channel (SCHANNEL) protocols and
 * ciphers of AWS Managed Microsoft AD's "List of directory security settings" (AWS Directory
 * Service Administration Guide, "Edit directory security settings"), which govern what TLS the
 * domain controllers, LDAPS included, accept. TLS 1.2 is not a setting: it stays on. Defaults
 * are Windows Server's SCHANNEL defaults, which AWS leaves as they are (PCT 1.0 and SSL 2.0 off).
 * Certificate-based-authentication and Kerberos settings are not modelled.
 */
export interface SettingDefinition {
  /** SettingEntry.Type. */
  readonly type: 'Protocol' | 'Cipher';
  readonly defaultValue: 'Enable' | 'Disable';
}

export const SETTING_VALUES = ['Enable', 'Disable'] as const;

export const DIRECTORY_SETTINGS: Readonly<Record<string, SettingDefinition>> = {
  PCT_1_0: { type: 'Protocol', defaultValue: 'Disable' },
  SSL_2_0: { type: 'Protocol', defaultValue: 'Disable' },
  SSL_3_0: { type: 'Protocol', defaultValue: 'Enable' },
  TLS_1_0: { type: 'Protocol', defaultValue: 'Enable' },
  TLS_1_1: { type: 'Protocol', defaultValue: 'Enable' },
  AES_128: { type: 'Cipher', defaultValue: 'Enable' },
  DES_56: { type: 'Cipher', defaultValue: 'Enable' },
  '3DES_168': { type: 'Cipher', defaultValue: 'Enable' },
  RC2_40: { type: 'Cipher', defaultValue: 'Enable' },
  RC2_56: { type: 'Cipher', defaultValue: 'Enable' },
  RC2_128: { type: 'Cipher', defaultValue: 'Enable' },
  RC4_40: { type: 'Cipher', defaultValue: 'Enable' },
  RC4_56: { type: 'Cipher', defaultValue: 'Enable' },
  RC4_64: { type: 'Cipher', defaultValue: 'Enable' },
  RC4_128: { type: 'Cipher', defaultValue: 'Enable' },
};

export interface SettingInput {
  readonly Name: string;
  readonly Value: string;
}

export type SettingsCommand = { readonly type: 'UpdateSettings'; readonly directoryId: string; readonly accountId: string; readonly settings: readonly SettingInput[]; readonly now: Date };

/** Directory settings are a feature of AWS Managed Microsoft AD; Simple AD and AD Connector have none. */
export function requireSettingsSupport(directory: PresentDirectory): void {
  if (directory.facts.directoryType !== 'MicrosoftAD') {
    throw new DomainError(
      'NotImplemented',
      `Directory ${directory.facts.directoryId} is of type ${directory.facts.directoryType}; directory settings (DescribeSettings, UpdateSettings) are available for AWS Managed Microsoft AD directories only.`,
      'UnsupportedOperationException',
    );
  }
}

export function decideSettings(command: SettingsCommand, state: DirectoryState): DirectoryEvent[] {
  const directory = accessDirectory(state, command.directoryId, command.accountId, 'DirectoryDoesNotExistException');
  requireSettingsSupport(directory);
  requireActive(directory);
  if (command.settings.length === 0) throw new DomainError('Malformed', 'Settings must name at least one setting.', 'InvalidParameterException');
  const requested = new Map<string, string>();
  for (const { Name, Value } of command.settings) {
    if (!Object.hasOwn(DIRECTORY_SETTINGS, Name)) {
      throw new DomainError('Malformed', `The directory setting ${Name} is not supported; DescribeSettings lists the supported settings.`, 'UnsupportedSettingsException');
    }
    if (!(SETTING_VALUES as readonly string[]).includes(Value)) {
      throw new DomainError('Malformed', `The value ${Value} is not valid for ${Name}; its allowed values are Enable and Disable.`, 'InvalidParameterException');
    }
    const earlier = requested.get(Name);
    if (earlier !== undefined && earlier !== Value) {
      throw new DomainError('Malformed', `The setting ${Name} is requested both as ${earlier} and as ${Value}; name each setting once.`, 'IncompatibleSettingsException');
    }
    requested.set(Name, Value);
  }
  return [event(T.DirectorySettingsUpdated, { directoryId: command.directoryId, settings: [...requested].map(([name, value]) => ({ name, value })), at: command.now.toISOString() })];
}

const epochSeconds = (date: Date): number => date.getTime() / 1000;

/** DescribeSettings' SettingEntries, in the catalogue's order; `status` filters by RequestStatus. */
export function settingEntries(directory: PresentDirectory, status: string | undefined): Record<string, unknown>[] {
  const entries = Object.entries(DIRECTORY_SETTINGS).map(([name, definition]) => {
    const base = { Type: definition.type, Name: name, AllowedValues: JSON.stringify(SETTING_VALUES), DataType: 'Boolean' };
    const changed = directory.settings[name];
    if (!changed) return { ...base, AppliedValue: definition.defaultValue, RequestStatus: 'Default' };
    return {
      ...base,
      AppliedValue: changed.value,
      RequestedValue: changed.value,
      RequestStatus: 'Updated',
      LastRequestedDateTime: epochSeconds(changed.requestedAt),
      LastUpdatedDateTime: epochSeconds(changed.updatedAt),
    };
  });
  return status === undefined ? entries : entries.filter((e) => e.RequestStatus === status);
}
