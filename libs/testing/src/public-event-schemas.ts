/**
 * The public feed's JSON Schemas (libs/contracts/events/public/<slug>.v<version>.schema.json),
 * compiled once with Ajv: the check every test applies to a published public event.
 */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv, { type ValidateFunction } from 'ajv';
import { PUBLIC_DETAIL_TYPES, type PublicDetailType } from '@pki/contracts';

export const PUBLIC_SCHEMA_DIR = join(__dirname, '..', '..', 'contracts', 'events', 'public');

let compiled: Map<string, ValidateFunction> | undefined;

function validators(): Map<string, ValidateFunction> {
  if (compiled) return compiled;
  const ajv = new Ajv({ allErrors: true, strict: true, strictTuples: false });
  compiled = new Map();
  for (const file of readdirSync(PUBLIC_SCHEMA_DIR).filter((f) => f.endsWith('.schema.json'))) {
    compiled.set(file, ajv.compile(JSON.parse(readFileSync(join(PUBLIC_SCHEMA_DIR, file), 'utf8'))));
  }
  return compiled;
}

/** The schema file of a detail-type at a version (default: the version its events carry today). */
export function publicSchemaFile(detailType: PublicDetailType, version: number = PUBLIC_DETAIL_TYPES[detailType].version): string {
  return `${PUBLIC_DETAIL_TYPES[detailType].slug}.v${version}.schema.json`;
}

/** What is wrong with `event` against its detail-type's schema (empty: it validates). */
export function publicEventProblems(event: unknown): string[] {
  const detailType = (event as { 'detail-type'?: unknown } | null)?.['detail-type'];
  if (typeof detailType !== 'string' || !(detailType in PUBLIC_DETAIL_TYPES)) return [`unknown detail-type ${JSON.stringify(detailType)}`];
  const file = publicSchemaFile(detailType as PublicDetailType);
  const validate = validators().get(file);
  if (!validate) return [`no schema ${file}`];
  if (validate(event)) return [];
  return (validate.errors ?? []).map((e) => `${file}: ${e.instancePath || '/'} ${e.message ?? ''}${e.params ? ` ${JSON.stringify(e.params)}` : ''}`);
}
