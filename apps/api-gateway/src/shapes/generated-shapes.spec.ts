import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { ACM_PCA_PAGINATORS, KeyAlgorithm, SigningAlgorithm } from './generated/acm-pca';
import { DIRECTORY_SERVICE_ERRORS, DIRECTORY_SERVICE_INPUT_SHAPES, DIRECTORY_SERVICE_PAGINATORS } from './generated/directory-service';
import { IOT_OPERATION_SPECS, IOT_PAGINATORS } from './generated/iot';
import { ACM_PCA_INPUT_SHAPES } from './index';

/**
 * The committed generated files are exactly what the generator writes from the vendored models
 * (tools/aws-models). When this fails, run `npm run generate:shapes` and review the diff: a model
 * update or a generator change shows up there, never as a silent drift of hand-copied values.
 */
const REPOSITORY_ROOT = join(__dirname, '..', '..', '..', '..');

/** What tools/shapes/generate-shapes.ts would write now, as path -> content (nothing is written). */
const regenerate = (): Record<string, string> =>
  JSON.parse(
    execFileSync(process.execPath, ['-r', './bench/ts-hook.js', 'tools/shapes/generate-shapes.ts', '--json'], { cwd: REPOSITORY_ROOT, encoding: 'utf8', maxBuffer: 64 * 1024 * 1024 }),
  ) as Record<string, string>;

describe('generated AWS shapes', () => {
  const generated = regenerate();

  it.each(Object.keys(generated))('%s is up to date with the vendored model and the generator', (path) => {
    const committed = readFileSync(join(REPOSITORY_ROOT, path), 'utf8');
    expect(committed).toBe(generated[path]);
  });

  it('carries the current model enums (ML-DSA among the key and signing algorithms)', () => {
    expect(KeyAlgorithm).toEqual(expect.arrayContaining(['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87']));
    expect(SigningAlgorithm).toEqual(expect.arrayContaining(['ML_DSA_44', 'ML_DSA_65', 'ML_DSA_87']));
  });

  it('names, in every paginator, members the operation input actually has', () => {
    const inputs: Record<string, { members: Record<string, unknown> }> = {
      ...ACM_PCA_INPUT_SHAPES,
      ...DIRECTORY_SERVICE_INPUT_SHAPES,
      ...Object.fromEntries(Object.entries(IOT_OPERATION_SPECS).map(([operation, spec]) => [operation, spec.shape])),
    };
    const paginators: Record<string, { inputToken: string | readonly string[]; limitKey?: string }> = { ...ACM_PCA_PAGINATORS, ...DIRECTORY_SERVICE_PAGINATORS, ...IOT_PAGINATORS };
    expect(Object.keys(paginators).length).toBeGreaterThan(0);
    for (const [operation, paginator] of Object.entries(paginators)) {
      for (const member of [paginator.inputToken, paginator.limitKey ?? []].flat()) expect(Object.keys(inputs[operation].members)).toContain(member);
    }
  });

  it('records the exception body members (Directory Service carries Message and RequestId)', () => {
    expect(DIRECTORY_SERVICE_ERRORS.InvalidParameterException.members).toEqual(['Message', 'RequestId']);
    expect(DIRECTORY_SERVICE_ERRORS.ServiceException.fault).toBe('server');
  });
});
