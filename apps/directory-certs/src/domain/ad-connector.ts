import { DIRECTORY_EVENT_TYPES as T, DomainError } from '@pki/contracts';
import { event, type DirectoryEvent } from './directory.events';
import type { DirectoryState } from './directory.state';
import { checkCreationTags, type TagInput } from './directory-tags';

/** "AD Connector directories: 10" per Region (AWS Directory Service Administration Guide, "AD Connector quotas"). */
export const AD_CONNECTOR_LIMIT = 10;

export interface ConnectDirectoryInput {
  readonly Name: string;
  readonly ShortName?: string;
  readonly Password: string;
  readonly Description?: string;
  readonly Size: string;
  readonly ConnectSettings: {
    readonly VpcId: string;
    readonly SubnetIds: readonly string[];
    readonly CustomerDnsIps?: readonly string[];
    readonly CustomerDnsIpsV6?: readonly string[];
    readonly CustomerUserName: string;
  };
  readonly Tags?: readonly TagInput[];
  readonly NetworkType?: string;
}

export type ConnectDirectoryCommand = {
  readonly type: 'ConnectDirectory';
  readonly directoryId: string;
  readonly accountId: string;
  readonly input: ConnectDirectoryInput;
  /** The account's AD Connector directories that are not Deleted (read model). */
  readonly existingDirectories: number;
  /** The caller's region, where the directory is created (absent: the default region). */
  readonly region?: string;
  readonly now: Date;
};

const invalidParameter = (message: string) => new DomainError('Malformed', message, 'InvalidParameterException');

/**
 * ConnectDirectory: an AD Connector in front of a self-managed Active Directory. The service
 * account's password (`Password`) is only checked for presence by the model and is dropped:
 * there is no self-managed directory here to verify it against, nor EC2 to check that the VPC
 * and subnets exist (their form is checked by the model's patterns at the gateway).
 */
export function connectDirectory(command: ConnectDirectoryCommand, state: DirectoryState): DirectoryEvent[] {
  if (state.status !== 'Absent') throw new Error(`directory ${command.directoryId} already exists (id collision)`);
  const { input } = command;
  const settings = input.ConnectSettings;
  const subnets = settings.SubnetIds;
  if (subnets.length !== 2 || subnets[0] === subnets[1]) {
    // DirectoryConnectSettings.SubnetIds: "A list of subnet identifiers in the VPC in which the AD Connector is created." AD Connector needs two, in different Availability Zones.
    throw invalidParameter(`ConnectSettings.SubnetIds must name exactly two different subnets (in different Availability Zones); got ${subnets.length}.`);
  }
  if ((settings.CustomerDnsIps ?? []).length === 0 && (settings.CustomerDnsIpsV6 ?? []).length === 0) {
    throw invalidParameter('ConnectSettings.CustomerDnsIps must name at least one DNS server or domain controller of your self-managed directory.');
  }
  const tags = input.Tags ?? [];
  checkCreationTags(tags);
  if (command.existingDirectories >= AD_CONNECTOR_LIMIT) {
    throw new DomainError(
      'LimitExceeded',
      `The account already has ${command.existingDirectories} AD Connector directories in this Region, the limit (${AD_CONNECTOR_LIMIT}); delete one first (GetDirectoryLimits).`,
      'DirectoryLimitExceededException',
    );
  }
  return [
    event(T.AdConnectorRequested, {
      directoryId: command.directoryId,
      accountId: command.accountId,
      name: input.Name,
      shortName: input.ShortName ?? input.Name.split('.')[0]!.toUpperCase().slice(0, 15),
      description: input.Description ?? null,
      size: input.Size,
      connectSettings: {
        vpcId: settings.VpcId,
        subnetIds: [...subnets],
        customerDnsIps: [...(settings.CustomerDnsIps ?? []), ...(settings.CustomerDnsIpsV6 ?? [])],
        customerUserName: settings.CustomerUserName,
      },
      networkType: input.NetworkType ?? null,
      tags: tags.map((t) => ({ key: t.Key, value: t.Value })),
      requestedAt: command.now.toISOString(),
    }),
  ];
}
