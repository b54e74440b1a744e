import {
  DIRECTORY_EVENT_TYPES as T,
  type AdConnectorRequestedV1,
  type DirectorySettingsUpdatedV1,
  type DirectoryTagsAddedV1,
  type DirectoryTagsRemovedV1,
  type ClientAuthenticationSettingChangedV1,
  type DirectoryCertificateRegistrationFailedV1,
  type DirectoryCertificateRegistrationRequestedV1,
  type DirectoryCertificateStateChangedV1,
  type DirectoryRequestedV1,
  type DirectoryStageChangedV1,
  type LdapsSettingChangedV1,
} from '@pki/contracts';

type Event<TType extends string, TData> = { readonly type: TType; readonly schemaVersion: 1; readonly data: TData };

/** Every event of the Directory aggregate (payload contracts in libs/contracts/src/directory.ts). */
export type DirectoryEvent =
  | Event<typeof T.DirectoryRequested, DirectoryRequestedV1>
  | Event<typeof T.DirectoryCreationStarted, DirectoryStageChangedV1>
  | Event<typeof T.DirectoryActivated, DirectoryStageChangedV1>
  | Event<typeof T.DirectoryDeletionRequested, DirectoryStageChangedV1>
  | Event<typeof T.DirectoryDeleted, DirectoryStageChangedV1>
  | Event<typeof T.DirectoryCertificateRegistrationRequested, DirectoryCertificateRegistrationRequestedV1>
  | Event<typeof T.DirectoryCertificateRegistered, DirectoryCertificateStateChangedV1>
  | Event<typeof T.DirectoryCertificateRegistrationFailed, DirectoryCertificateRegistrationFailedV1>
  | Event<typeof T.DirectoryCertificateDeregistrationRequested, DirectoryCertificateStateChangedV1>
  | Event<typeof T.DirectoryCertificateDeregistered, DirectoryCertificateStateChangedV1>
  | Event<typeof T.LdapsEnabled, LdapsSettingChangedV1>
  | Event<typeof T.LdapsDisabled, LdapsSettingChangedV1>
  | Event<typeof T.ClientAuthenticationEnabled, ClientAuthenticationSettingChangedV1>
  | Event<typeof T.ClientAuthenticationDisabled, ClientAuthenticationSettingChangedV1>
  | Event<typeof T.AdConnectorRequested, AdConnectorRequestedV1>
  | Event<typeof T.DirectoryTagsAdded, DirectoryTagsAddedV1>
  | Event<typeof T.DirectoryTagsRemoved, DirectoryTagsRemovedV1>
  | Event<typeof T.DirectorySettingsUpdated, DirectorySettingsUpdatedV1>;

export function event<E extends DirectoryEvent>(type: E['type'], data: E['data']): E {
  return { type, schemaVersion: 1, data } as E;
}
