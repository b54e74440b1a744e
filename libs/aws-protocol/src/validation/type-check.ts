import { isBase64 } from '../serde/blob.serde';
import type { Shape } from './shape.dsl';
import { listElementPath, memberPath } from './validation-format';

/**
 * JSON type checking, without coercion: a string where a number is modelled is refused,
 * never parsed. AWS's JSON front end reports these as `SerializationException` before any
 * constraint is checked, in Jackson-token wording ("STRING_VALUE can not be converted to an
 * Integer", "Start of structure or map found where not expected.").
 */

const TYPE_NAME: Record<string, string> = {
  string: 'a String',
  integer: 'an Integer',
  long: 'a Long',
  float: 'a Float',
  double: 'a Double',
  boolean: 'a Boolean',
  timestamp: 'a Date',
  blob: 'a ByteBuffer',
  structure: 'a Structure',
  map: 'a Map',
  list: 'a List',
};

const token = (value: unknown): string =>
  typeof value === 'string' ? 'STRING_VALUE' : typeof value === 'number' ? 'NUMBER_VALUE' : value ? 'TRUE_VALUE' : 'FALSE_VALUE';

const INT32 = { min: -2147483648, max: 2147483647 };

const checkValue = (shape: Shape, value: unknown, path: string): string | undefined => {
  if (value === null || value === undefined || shape.type === 'document') return undefined;
  const aggregate = shape.type === 'structure' || shape.type === 'map';
  if (Array.isArray(value)) {
    if (shape.type !== 'list') return 'Start of list found where not expected';
    for (let i = 0; i < value.length; i++) {
      const problem = checkValue(shape.member as Shape, value[i], listElementPath(path, i));
      if (problem) return problem;
    }
    return undefined;
  }
  if (typeof value === 'object') {
    if (!aggregate) return 'Start of structure or map found where not expected.';
    const record = value as Record<string, unknown>;
    if (shape.type === 'structure') {
      for (const [name, member] of Object.entries(shape.members as Record<string, Shape>)) {
        const problem = checkValue(member, record[name], memberPath(path, name));
        if (problem) return problem;
      }
      return undefined;
    }
    for (const [key, item] of Object.entries(record)) {
      const problem = checkValue(shape.value as Shape, item, `${path}.${key}`);
      if (problem) return problem;
    }
    return undefined;
  }
  const mismatch = `${token(value)} can not be converted to ${TYPE_NAME[shape.type]}`;
  switch (shape.type) {
    case 'string':
      return typeof value === 'string' ? undefined : mismatch;
    case 'boolean':
      return typeof value === 'boolean' ? undefined : mismatch;
    case 'timestamp':
    case 'float':
    case 'double':
      return typeof value === 'number' && Number.isFinite(value) ? undefined : mismatch;
    case 'integer':
      return typeof value === 'number' && Number.isInteger(value) && value >= INT32.min && value <= INT32.max ? undefined : mismatch;
    case 'long':
      return typeof value === 'number' && Number.isSafeInteger(value) ? undefined : mismatch;
    case 'blob':
      if (typeof value !== 'string') return mismatch;
      return isBase64(value) ? undefined : `Value at '${path}' is not valid base64 (RFC 4648, padded)`;
    default:
      return mismatch;
  }
};

/** First JSON type error of an input against its shape, or undefined. The input must be a JSON object. */
export const checkTypes = (shape: Shape, input: unknown): string | undefined => {
  if (shape.type === 'structure' && (input === null || typeof input !== 'object')) {
    return input === null || input === undefined ? 'Operation input must be a JSON object' : `${token(input)} can not be converted to a Structure`;
  }
  return checkValue(shape, input, '');
};
