import type { Shape } from './shape.dsl';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/**
 * The part of a validated input that the operation's model defines: members the shape does not
 * declare are dropped (at any depth), and so are members sent as JSON `null`.
 *
 * AWS's JSON services ignore unknown members (and treat `null` as absent); ignoring must also
 * mean not forwarding them. Otherwise a client's stray member ends up in the owning service's
 * events and read models and is echoed back in Describe/List outputs as if AWS had accepted it
 * (e.g. `RevocationConfiguration.CrlConfiguration.Foo` showing up in DescribeCertificateAuthority,
 * a member the `aws` CLI and the SDKs do not model).
 *
 * `validateRequest` applies it once the value's JSON types match the shape. Maps keep
 * every key (their keys are data, not member names); `document` members are kept whole.
 */
export const modelledInput = (shape: Shape, value: unknown): unknown => {
  if (value === null || value === undefined) return undefined;
  switch (shape.type) {
    case 'structure': {
      if (!isPlainObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [name, member] of Object.entries(shape.members as Record<string, Shape>)) {
        if (!Object.hasOwn(value, name)) continue;
        const kept = modelledInput(member, value[name]);
        if (kept !== undefined) out[name] = kept;
      }
      return out;
    }
    case 'list':
      // A null element is a constraint violation `validateRequest` already refused; keep positions as sent.
      return Array.isArray(value) ? value.map((item) => modelledInput(shape.member as Shape, item) ?? item) : value;
    case 'map': {
      if (!isPlainObject(value)) return value;
      const out: Record<string, unknown> = {};
      for (const [key, item] of Object.entries(value)) out[key] = modelledInput(shape.value as Shape, item) ?? item;
      return out;
    }
    default:
      return value;
  }
};
