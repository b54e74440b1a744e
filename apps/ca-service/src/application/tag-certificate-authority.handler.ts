import type { CommandMessage } from '@pki/contracts';
import type { Tag } from '../domain/certificate-authority.types';
import type { CaContext } from './ca-context';
import { executeCaCommand } from './ca-command';
import { requestMeta, resolveCa } from './lifecycle-command';

interface TagsInput {
  readonly CertificateAuthorityArn: string;
  readonly Tags: readonly Tag[];
}

/** TagCertificateAuthority: adds or overwrites tags (at most 50 per CA). */
export function tagCertificateAuthorityHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as TagsInput;
    const row = await resolveCa(context, message, 'TagCertificateAuthority');
    await executeCaCommand(context, row.id, () => ({ type: 'TagCertificateAuthority', tags: input.Tags, now: context.now() }), requestMeta(message, row));
    return {};
  };
}

/** UntagCertificateAuthority: removes tags by key, and by value when one is given. */
export function untagCertificateAuthorityHandler(context: CaContext) {
  return async (message: CommandMessage): Promise<Record<string, never>> => {
    const input = message.input as TagsInput;
    const row = await resolveCa(context, message, 'UntagCertificateAuthority');
    await executeCaCommand(context, row.id, () => ({ type: 'UntagCertificateAuthority', tags: input.Tags, now: context.now() }), requestMeta(message, row));
    return {};
  };
}
