/**
 * Turns botocore shapes into `S.*` declarations (libs/aws-protocol's shape DSL), mechanically:
 * each model shape a routed operation's input reaches becomes one `<Name>Shape` constant with
 * the shape's own constraint traits; `@required` is applied where a structure lists the member.
 * Enum shapes also export their values as `<Name>` (a readonly string array, model order).
 */
import { shapeOf, type BotocoreModel, type BotocoreShape } from './botocore-model';

const IDENTIFIER = /^[A-Za-z_][A-Za-z0-9_]*$/;

/** A TypeScript string literal; backslash-heavy values (patterns) as String.raw`...` so they read as in the model. */
export const literal = (value: string): string => {
  const rawSafe = value.includes('\\') && !/[`\r\n]|\$\{/.test(value) && !/\\$/.test(value);
  if (rawSafe) return `String.raw\`${value}\``;
  const escaped = value.replace(/\\/g, '\\\\').replace(/\r/g, '\\r').replace(/\n/g, '\\n');
  // Single quotes, or double quotes for a value with a single quote and no double quote (CnameString).
  if (value.includes("'") && !value.includes('"')) return `"${escaped}"`;
  return `'${escaped.replace(/'/g, "\\'")}'`;
};

export const shapeConst = (name: string): string => `${name}Shape`;

const memberRefs = (shape: BotocoreShape): string[] => {
  switch (shape.type) {
    case 'structure':
      return Object.values(shape.members ?? {}).map((member) => member.shape);
    case 'list':
      return shape.member ? [shape.member.shape] : [];
    case 'map':
      return [shape.key?.shape, shape.value?.shape].filter((name): name is string => name !== undefined);
    default:
      return [];
  }
};

/**
 * Every shape reachable from `roots`, dependencies before dependents (so each constant is
 * declared before use). A recursive shape cannot be written as plain constants: refused.
 */
export const closure = (model: BotocoreModel, roots: readonly string[]): string[] => {
  const ordered: string[] = [];
  const state = new Map<string, 'visiting' | 'done'>();
  const visit = (name: string, path: readonly string[]): void => {
    const seen = state.get(name);
    if (seen === 'done') return;
    if (seen === 'visiting') throw new Error(`recursive shape ${[...path, name].join(' -> ')} is not supported`);
    if (!IDENTIFIER.test(name)) throw new Error(`shape name ${name} is not an identifier`);
    state.set(name, 'visiting');
    for (const child of memberRefs(shapeOf(model, name))) visit(child, [...path, name]);
    state.set(name, 'done');
    ordered.push(name);
  };
  for (const root of roots) visit(root, []);
  return ordered;
};

const options = (entries: ReadonlyArray<readonly [string, string | undefined]>): string => {
  const present = entries.filter((entry): entry is readonly [string, string] => entry[1] !== undefined);
  return present.length === 0 ? '' : `{ ${present.map(([key, value]) => `${key}: ${value}`).join(', ')} }`;
};

const num = (value: number | undefined): string | undefined => (value === undefined ? undefined : String(value));
const sensitive = (shape: BotocoreShape): string | undefined => (shape.sensitive ? 'true' : undefined);
const lengths = (shape: BotocoreShape): Array<readonly [string, string | undefined]> => [
  ['min', num(shape.min)],
  ['max', num(shape.max)],
];

/** A structure member's shape, marked `@required` when the structure lists it. */
export const memberExpression = (structure: BotocoreShape, member: string): string => {
  const ref = shapeConst(structure.members![member].shape);
  return structure.required?.includes(member) ? `required(${ref})` : ref;
};

/** One line per shape, so a model change shows in a diff as the lines of the shapes it touched. */
const structureExpression = (shape: BotocoreShape): string => {
  const members = Object.keys(shape.members ?? {}).map((member) => `${member}: ${memberExpression(shape, member)}`);
  const body = members.length === 0 ? '{}' : `{ ${members.join(', ')} }`;
  return `S.structure(${body}${shape.sensitive ? ', { sensitive: true }' : ''})`;
};

/** The `S.*` expression of one model shape (its members refer to the other constants). */
export const shapeExpression = (name: string, shape: BotocoreShape): string => {
  switch (shape.type) {
    case 'string':
      return `S.string(${options([
        ['sensitive', sensitive(shape)],
        ...lengths(shape),
        ['pattern', shape.pattern === undefined ? undefined : literal(shape.pattern)],
        ['enum', shape.enum ? name : undefined],
      ])})`;
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      return `S.${shape.type}(${options([['sensitive', sensitive(shape)], ...lengths(shape)])})`;
    case 'boolean':
    case 'timestamp':
      return `S.${shape.type}(${options([['sensitive', sensitive(shape)]])})`;
    case 'blob':
      return `S.blob(${options([['sensitive', sensitive(shape)], ...lengths(shape)])})`;
    case 'list': {
      const extra = options([['sensitive', sensitive(shape)], ...lengths(shape)]);
      return `S.list(${shapeConst(shape.member!.shape)}${extra ? `, ${extra}` : ''})`;
    }
    case 'map': {
      const extra = options([['sensitive', sensitive(shape)], ...lengths(shape)]);
      return `S.map(${shapeConst(shape.key!.shape)}, ${shapeConst(shape.value!.shape)}${extra ? `, ${extra}` : ''})`;
    }
    case 'structure':
      return structureExpression(shape);
    default:
      throw new Error(`shape ${name}: type ${(shape as BotocoreShape).type} is not supported`);
  }
};

/** `export const <Name> = [...] as const;` for every enum shape among `names`. */
export const emitEnums = (model: BotocoreModel, names: readonly string[]): string[] =>
  names
    .filter((name) => shapeOf(model, name).enum)
    .map((name) => `export const ${name} = [${shapeOf(model, name).enum!.map(literal).join(', ')}] as const;`);

/** `const <Name>Shape = S.*(...);` for every shape among `names`, in order. */
export const emitShapes = (model: BotocoreModel, names: readonly string[]): string[] =>
  names.map((name) => `const ${shapeConst(name)} = ${shapeExpression(name, shapeOf(model, name))};`);
