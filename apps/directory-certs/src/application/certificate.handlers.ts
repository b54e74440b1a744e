import type { CommandMessage, DirectoryCertificateType } from '@pki/contracts';
import type { CommandHandlers } from '@pki/service-kit';
import { readCertificateData } from '../domain/certificate-data';
import { certificateNotFound } from '../domain/directory.decider';
import { accessDirectory, requireActive, requireCertificateSupport } from '../domain/directory-access';
import { certificateStateReason, defaultStateReason } from '../domain/directory.view';
import { directoryDb } from '../infrastructure/database';
import { findCertificate, listCertificates } from '../infrastructure/directory.queries';
import type { DirectoryCertificateRow } from '../infrastructure/tables/directory-certificate.table';
import type { DirectoryContext } from './directory-context';
import { executeDirectoryCommand, loadDirectory, metaOf, regionOfCaller } from './directory-command';
import { decodeNextToken, page } from './paging';

/** ListCertificates page size when Limit is absent (PageLimit's maximum). */
const DEFAULT_LIST_LIMIT = 50;

const epochSeconds = (date: Date): number => date.getTime() / 1000;

interface RegisterInput {
  readonly DirectoryId: string;
  readonly CertificateData: string;
  readonly Type?: DirectoryCertificateType;
  readonly ClientCertAuthSettings?: { readonly OCSPUrl?: string };
}

/** The caller's certificate-capable directory, or the exception the certificate operations model. */
async function certificateDirectory(context: DirectoryContext, message: CommandMessage, directoryId: string) {
  const { state } = await loadDirectory(context, directoryId, regionOfCaller(context, message.caller));
  const directory = accessDirectory(state, directoryId, message.caller.accountId, 'DirectoryDoesNotExistException');
  requireCertificateSupport(directory);
  return directory;
}

function stateReasonOf(row: DirectoryCertificateRow): string | null {
  const own = defaultStateReason({ state: row.state as never, stateReason: row.state_reason });
  return certificateStateReason(
    own,
    row.revoked_at && row.revocation_reason && row.revoked_certificate_arn ? { revokedAt: row.revoked_at, revocationReason: row.revocation_reason, certificateArn: row.revoked_certificate_arn } : null,
  );
}

/** AWS `Certificate` (DescribeCertificate): every member the seed shows. */
export function toCertificate(row: DirectoryCertificateRow): Record<string, unknown> {
  const view: Record<string, unknown> = {
    CertificateId: row.id,
    State: row.state,
    CommonName: row.common_name,
    RegisteredDateTime: epochSeconds(row.registered_at),
    ExpiryDateTime: epochSeconds(row.expiry_at),
    Type: row.type,
  };
  const reason = stateReasonOf(row);
  if (reason !== null) view.StateReason = reason;
  if (row.ocsp_url !== null) view.ClientCertAuthSettings = { OCSPUrl: row.ocsp_url };
  return view;
}

export function certificateHandlers(context: DirectoryContext): CommandHandlers {
  return {
    async RegisterCertificate(message) {
      const input = message.input as RegisterInput;
      const { accountId } = message.caller;
      const certificateId = context.newCertificateId();
      // Existence and directory type are checked before the PEM, so the answer names the first real problem.
      requireActive(await certificateDirectory(context, message, input.DirectoryId));
      const certificate = readCertificateData(input.CertificateData);
      await executeDirectoryCommand(
        context,
        input.DirectoryId,
        () => ({
          type: 'RegisterCertificate',
          directoryId: input.DirectoryId,
          accountId,
          certificateId,
          certificateType: input.Type ?? 'ClientLDAPS',
          certificate,
          clientCertAuthSettings: input.ClientCertAuthSettings,
          now: context.now(),
        }),
        metaOf(message),
        regionOfCaller(context, message.caller),
      );
      return { CertificateId: certificateId };
    },

    async DescribeCertificate(message) {
      const { DirectoryId, CertificateId } = message.input as { DirectoryId: string; CertificateId: string };
      await certificateDirectory(context, message, DirectoryId);
      const row = await findCertificate(directoryDb(context.db), DirectoryId, CertificateId);
      if (!row) throw certificateNotFound(DirectoryId, CertificateId);
      return { Certificate: toCertificate(row) };
    },

    async ListCertificates(message) {
      const input = message.input as { DirectoryId: string; NextToken?: string; Limit?: number };
      await certificateDirectory(context, message, input.DirectoryId);
      const limit = input.Limit ?? DEFAULT_LIST_LIMIT;
      const after = input.NextToken !== undefined ? decodeNextToken(input.NextToken) : undefined;
      const rows = await listCertificates(directoryDb(context.db), input.DirectoryId, limit + 1, after);
      const { items, nextToken } = page(rows, limit, (r) => ({ at: r.registered_at, id: r.id }));
      return {
        CertificatesInfo: items.map((r) => ({ CertificateId: r.id, CommonName: r.common_name, State: r.state, ExpiryDateTime: epochSeconds(r.expiry_at), Type: r.type })),
        ...(nextToken ? { NextToken: nextToken } : {}),
      };
    },

    async DeregisterCertificate(message) {
      const { DirectoryId, CertificateId } = message.input as { DirectoryId: string; CertificateId: string };
      const { accountId } = message.caller;
      await executeDirectoryCommand(
        context,
        DirectoryId,
        () => ({ type: 'DeregisterCertificate', directoryId: DirectoryId, accountId, certificateId: CertificateId, now: context.now() }),
        metaOf(message),
        regionOfCaller(context, message.caller),
      );
      return {};
    },
  };
}
