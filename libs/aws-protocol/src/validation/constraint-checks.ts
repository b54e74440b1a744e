import { isBase64 } from '../serde/blob.serde';
import { fullMatch, patternSource } from './pattern-cache';
import type { Shape } from './shape.dsl';

/** AWS's constraint phrases (Coral validator). */
export const CONSTRAINT = {
  notNull: 'Member must not be null',
  enumSet: (values: readonly string[]) => `Member must satisfy enum value set: [${values.join(', ')}]`,
  pattern: (pattern: string | RegExp) => `Member must satisfy regular expression pattern: ${patternSource(pattern)}`,
  maxLength: (n: number) => `Member must have length less than or equal to ${n}`,
  minLength: (n: number) => `Member must have length greater than or equal to ${n}`,
  maxValue: (n: number) => `Member must have value less than or equal to ${n}`,
  minValue: (n: number) => `Member must have value greater than or equal to ${n}`,
} as const;

/** Code points of a string, as `[...value].length` counts them (a lone surrogate counts as one), without the array. */
const codePoints = (value: string): number => {
  let count = value.length;
  for (let i = 0; i < value.length - 1; i++) {
    const unit = value.charCodeAt(i);
    if (unit >= 0xd800 && unit <= 0xdbff) {
      const next = value.charCodeAt(i + 1);
      if (next >= 0xdc00 && next <= 0xdfff) {
        count--;
        i++;
      }
    }
  }
  return count;
};

/** Bytes that canonical padded base64 decodes to; undefined when the value is not that (as fromBase64 refuses it). */
const base64Bytes = (value: unknown): number | undefined => {
  if (typeof value !== 'string' || !isBase64(value)) return undefined;
  const padding = value.endsWith('==') ? 2 : value.endsWith('=') ? 1 : 0;
  return (value.length / 4) * 3 - padding;
};

/** Smithy @length counts Unicode scalar values for strings, bytes for blobs, entries for lists and maps. */
const lengthOf = (shape: Shape, value: unknown): number | undefined => {
  if (shape.type === 'string' && typeof value === 'string') return codePoints(value);
  if (shape.type === 'blob') return base64Bytes(value);
  if (shape.type === 'list' && Array.isArray(value)) return value.length;
  if (shape.type === 'map' && value !== null && typeof value === 'object') return Object.keys(value).length;
  return undefined;
};

const lengthChecks = (shape: Shape & { min?: number; max?: number }, value: unknown): string[] => {
  const length = lengthOf(shape, value);
  if (length === undefined) return [];
  if (shape.max !== undefined && length > shape.max) return [CONSTRAINT.maxLength(shape.max)];
  if (shape.min !== undefined && length < shape.min) return [CONSTRAINT.minLength(shape.min)];
  return [];
};

/**
 * The constraints a present, correctly typed value fails, on the value itself (not its
 * members). Wrongly typed values fail nothing here: that is a serialization error.
 */
export const failedConstraints = (shape: Shape, value: unknown): string[] => {
  switch (shape.type) {
    case 'string': {
      if (typeof value !== 'string') return [];
      const failed: string[] = [];
      if (shape.enum && !shape.enum.includes(value)) failed.push(CONSTRAINT.enumSet(shape.enum));
      if (shape.pattern !== undefined && !fullMatch(shape.pattern, value)) failed.push(CONSTRAINT.pattern(shape.pattern));
      return [...failed, ...lengthChecks(shape, value)];
    }
    case 'integer':
    case 'long':
    case 'float':
    case 'double':
      if (typeof value !== 'number') return [];
      if (shape.max !== undefined && value > shape.max) return [CONSTRAINT.maxValue(shape.max)];
      if (shape.min !== undefined && value < shape.min) return [CONSTRAINT.minValue(shape.min)];
      return [];
    case 'blob':
    case 'list':
    case 'map':
      return lengthChecks(shape, value);
    default:
      return [];
  }
};

/**
 * Every constraint a simple shape declares, in the order AWS lists them when a list element
 * or map entry fails ("Member must satisfy constraint: [Member must have length less than or
 * equal to 253, Member must have length greater than or equal to 1, Member must satisfy
 * regular expression pattern: ...]").
 */
export const declaredConstraints = (shape: Shape): string[] => {
  const out: string[] = [];
  if (shape.type === 'string' || shape.type === 'blob') {
    if (shape.max !== undefined) out.push(CONSTRAINT.maxLength(shape.max));
    if (shape.min !== undefined) out.push(CONSTRAINT.minLength(shape.min));
  }
  if (shape.type === 'integer' || shape.type === 'long' || shape.type === 'float' || shape.type === 'double') {
    if (shape.max !== undefined) out.push(CONSTRAINT.maxValue(shape.max));
    if (shape.min !== undefined) out.push(CONSTRAINT.minValue(shape.min));
  }
  if (shape.type === 'string') {
    if (shape.pattern !== undefined) out.push(CONSTRAINT.pattern(shape.pattern));
    if (shape.enum) out.push(CONSTRAINT.enumSet(shape.enum));
  }
  return out;
};

/** Scalars are validated as a set inside lists and maps; aggregates are walked member by member. */
export const isSimple = (shape: Shape): boolean =>
  shape.type !== 'structure' && shape.type !== 'list' && shape.type !== 'map' && shape.type !== 'document';
