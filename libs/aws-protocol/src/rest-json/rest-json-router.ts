import { percentDecode } from '../http/uri-encoding';

/** One restJson1 operation binding: Smithy `@http(method: "GET", uri: "/cacertificate/{caCertificateId}")`. */
export interface RestRoute<Op extends string = string> {
  readonly method: string;
  /** URI pattern; `{name}` binds one segment, `{name+}` (greedy label) one or more. */
  readonly pattern: string;
  readonly operation: Op;
}

export interface RouteMatch<Op extends string = string> {
  readonly operation: Op;
  /** Label values, percent-decoded (Smithy `@httpLabel`). */
  readonly params: Readonly<Record<string, string>>;
}

type Segment = { kind: 'literal'; value: string } | { kind: 'label'; name: string } | { kind: 'greedy'; name: string };

const compiled = new Map<string, Segment[]>();

const compile = (pattern: string): Segment[] => {
  let segments = compiled.get(pattern);
  if (!segments) {
    // A literal query in the pattern (`/x?y`) constrains nothing here: routing is by path.
    segments = pattern
      .split('?')[0]
      .split('/')
      .slice(1)
      .map((part): Segment => {
        const label = /^\{([A-Za-z_][A-Za-z0-9_]*)(\+?)\}$/.exec(part);
        if (!label) return { kind: 'literal', value: part };
        return label[2] ? { kind: 'greedy', name: label[1] } : { kind: 'label', name: label[1] };
      });
    compiled.set(pattern, segments);
  }
  return segments;
};

const matchSegments = (segments: readonly Segment[], rawParts: readonly string[]): Record<string, string> | undefined => {
  const params: Record<string, string> = {};
  for (let i = 0; i < segments.length; i++) {
    const segment = segments[i];
    if (segment.kind === 'greedy') {
      // Greedy labels take the rest minus what later literal segments need.
      const rest = segments.length - 1 - i;
      const taken = rawParts.slice(i, rawParts.length - rest);
      if (taken.length === 0 || taken.some((p) => p.length === 0)) return undefined;
      const decoded = taken.map(percentDecode);
      if (decoded.some((p) => p === undefined)) return undefined;
      params[segment.name] = decoded.join('/');
      const tail = matchSegments(segments.slice(i + 1), rawParts.slice(rawParts.length - rest));
      return tail ? { ...params, ...tail } : undefined;
    }
    if (i >= rawParts.length) return undefined;
    const decoded = percentDecode(rawParts[i]);
    if (decoded === undefined) return undefined;
    if (segment.kind === 'literal') {
      if (decoded !== segment.value) return undefined;
    } else {
      // Smithy: a label binds a non-empty value.
      if (decoded.length === 0) return undefined;
      params[segment.name] = decoded;
    }
  }
  return rawParts.length === segments.length ? params : undefined;
};

/**
 * Finds the operation for a request. `path` is the raw (percent-encoded) path; a query
 * string, if still attached, is ignored. Each segment is decoded once, so `a%2Fb` binds
 * the label value `a/b` instead of splitting the path. Undefined when nothing matches.
 */
export const matchRoute = <Op extends string>(method: string, path: string, routes: readonly RestRoute<Op>[]): RouteMatch<Op> | undefined => {
  const rawParts = path.split('?')[0].split('/').slice(1);
  for (const route of routes) {
    if (route.method.toUpperCase() !== method.toUpperCase()) continue;
    const params = matchSegments(compile(route.pattern), rawParts);
    if (params) return { operation: route.operation, params };
  }
  return undefined;
};
