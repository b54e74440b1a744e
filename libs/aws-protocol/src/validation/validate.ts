import { declaredConstraints, failedConstraints, isSimple, CONSTRAINT } from './constraint-checks';
import type { Shape } from './shape.dsl';
import { listElementPath, memberPath, violation } from './validation-format';

const isPlainObject = (value: unknown): value is Record<string, unknown> =>
  value !== null && typeof value === 'object' && !Array.isArray(value);

/** A list's or map's simple elements fail as one set: "Member must satisfy constraint: [...]". */
const setViolation = (label: string, element: Shape, values: readonly unknown[]): string | undefined => {
  const hasNull = values.some((v) => v === null || v === undefined);
  const anyFails = values.some((v) => v !== null && v !== undefined && failedConstraints(element, v).length > 0);
  if (!hasNull && !anyFails) return undefined;
  const constraints = declaredConstraints(element);
  if (hasNull) constraints.push(CONSTRAINT.notNull);
  return `${label}: [${constraints.join(', ')}]`;
};

const visit = (shape: Shape, value: unknown, path: string, errors: string[]): void => {
  if (value === null || value === undefined) {
    if (shape.required) errors.push(violation(null, path, CONSTRAINT.notNull));
    return;
  }
  // Blobs are never echoed (AWS prints a Java ByteBuffer, which says nothing useful).
  const hidden = shape.sensitive === true || shape.type === 'blob';
  for (const constraint of failedConstraints(shape, value)) errors.push(violation(value, path, constraint, hidden));

  if (shape.type === 'structure' && isPlainObject(value)) {
    for (const [name, member] of Object.entries(shape.members as Record<string, Shape>)) {
      visit(member, value[name], memberPath(path, name), errors);
    }
  } else if (shape.type === 'list' && Array.isArray(value)) {
    const element = shape.member as Shape;
    if (isSimple(element)) {
      const problem = setViolation('Member must satisfy constraint', element, value);
      if (problem) errors.push(violation(value, path, problem, hidden || element.sensitive === true));
    } else {
      value.forEach((item, i) => visit({ ...element, required: true }, item, listElementPath(path, i), errors));
    }
  } else if (shape.type === 'map' && isPlainObject(value)) {
    const keyProblem = setViolation('Map keys must satisfy constraint', shape.key, Object.keys(value));
    if (keyProblem) errors.push(violation(value, path, keyProblem, hidden));
    const element = shape.value as Shape;
    if (isSimple(element)) {
      const problem = setViolation('Map value must satisfy constraint', element, Object.values(value));
      if (problem) errors.push(violation(value, path, problem, hidden || element.sensitive === true));
    } else {
      for (const [key, item] of Object.entries(value)) visit({ ...element, required: true }, item, `${path}.${key}`, errors);
    }
  }
};

/**
 * Checks a (correctly typed, see `checkTypes`) input against the shape's constraint traits
 * and returns every violation in AWS's wording, in member order. Empty when valid.
 * Unknown members are ignored, as AWS's JSON services ignore them.
 */
export const validate = (shape: Shape, input: unknown): string[] => {
  const errors: string[] = [];
  visit(shape, shape.type === 'structure' && (input === null || input === undefined) ? {} : input, '', errors);
  return errors;
};
