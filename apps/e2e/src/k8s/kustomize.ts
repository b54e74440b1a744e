import { existsSync, readFileSync, statSync } from 'node:fs';
import path from 'node:path';
import { parseAllDocuments } from 'yaml';

/**
 * A renderer for the subset of Kustomize that deploy/ uses, so CI checks the manifests without a
 * kustomize binary (none ships in an npm package). It follows kustomize's order -- resources,
 * components, generators, then patches, namespace, labels, images -- and REFUSES every field,
 * list, kind or directive it does not implement, so a manifest cannot pass on something this
 * renderer silently ignored. What it implements:
 *   resources (files and kustomization directories), components (kind Component), namespace,
 *   labels (pairs, includeTemplates; not includeSelectors), images (name, newName, newTag, digest),
 *   patches (strategic merge by path or inline, matched on the patch's kind and name),
 *   secretGenerator / configMapGenerator (literals, envs; behavior create, replace or merge) with
 *   generatorOptions.disableNameSuffixHash: true (no hash suffixes, hence no name rewriting).
 */

export interface K8sObject {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; [key: string]: unknown };
  [key: string]: unknown;
}

export interface RenderOptions {
  /** Reads a file the kustomizations name (default: the filesystem); tests stand in for operator files. */
  readonly readFile?: (file: string) => string;
}

export class KustomizeError extends Error {
  override readonly name = 'KustomizeError';
}

/** Kinds this renderer knows the scope of (the namespace transformer must not guess). */
const NAMESPACED = new Set(['ConfigMap', 'Secret', 'Service', 'Deployment', 'PodDisruptionBudget', 'HorizontalPodAutoscaler', 'NetworkPolicy', 'PersistentVolumeClaim', 'ServiceMonitor']);
const CLUSTER_SCOPED = new Set(['Namespace']);
/** Kinds whose pod template gets the labels of `labels[].includeTemplates`. */
const WORKLOADS = new Set(['Deployment']);

const KUSTOMIZATION_FIELDS = new Set(['apiVersion', 'kind', 'namespace', 'labels', 'resources', 'components', 'images', 'patches', 'generatorOptions', 'secretGenerator', 'configMapGenerator']);
const COMPONENT_FIELDS = new Set(['apiVersion', 'kind', 'resources', 'patches', 'labels', 'images']);

/** Lists merged element by element in a strategic merge patch, by their patchMergeKey (Kubernetes API). */
const MERGE_KEYS: Record<string, string> = { containers: 'name', initContainers: 'name', env: 'name', volumes: 'name', volumeMounts: 'mountPath' };
/** Lists a strategic merge patch replaces whole (no patchStrategy in the Kubernetes API). */
const REPLACED_LISTS = new Set(['accessModes', 'command', 'args', 'drop', 'add', 'policyTypes']);

type Doc = Record<string, unknown>;

const isObject = (value: unknown): value is Doc => typeof value === 'object' && value !== null && !Array.isArray(value);

function refuseUnknown(doc: Doc, allowed: Set<string> | string[], where: string): void {
  const known = allowed instanceof Set ? allowed : new Set(allowed);
  for (const key of Object.keys(doc)) if (!known.has(key)) throw new KustomizeError(`${where}: field "${key}" is not supported by this renderer`);
}

export function parseYamlDocuments(text: string, where: string): unknown[] {
  return parseAllDocuments(text).flatMap((doc) => {
    if (doc.errors.length > 0) throw new KustomizeError(`${where}: ${doc.errors[0]!.message}`);
    const value: unknown = doc.toJS();
    return value === null || value === undefined ? [] : [value];
  });
}

export const objectId = (o: K8sObject): string => `${o.kind}/${o.metadata.namespace ?? '~'}/${o.metadata.name}`;

function asObject(value: unknown, where: string): K8sObject {
  if (!isObject(value) || typeof value.apiVersion !== 'string' || typeof value.kind !== 'string' || !isObject(value.metadata) || typeof value.metadata.name !== 'string') {
    throw new KustomizeError(`${where}: every document must have apiVersion, kind and metadata.name`);
  }
  if (!NAMESPACED.has(value.kind) && !CLUSTER_SCOPED.has(value.kind)) throw new KustomizeError(`${where}: kind ${value.kind} is not supported by this renderer`);
  return value as K8sObject;
}

class Renderer {
  constructor(private readonly read: (file: string) => string) {}

  kustomization(dir: string): K8sObject[] {
    const k = this.load(dir, 'Kustomization');
    return this.accumulate(dir, k, []);
  }

  private load(dir: string, kind: 'Kustomization' | 'Component'): Doc {
    const file = path.join(dir, 'kustomization.yaml');
    const docs = parseYamlDocuments(this.read(file), file);
    const k = docs[0];
    if (docs.length !== 1 || !isObject(k)) throw new KustomizeError(`${file}: one kustomization document expected`);
    const apiVersion = kind === 'Kustomization' ? 'kustomize.config.k8s.io/v1beta1' : 'kustomize.config.k8s.io/v1alpha1';
    if (k.apiVersion !== apiVersion || k.kind !== kind) throw new KustomizeError(`${file}: expected apiVersion ${apiVersion}, kind ${kind}`);
    refuseUnknown(k, kind === 'Kustomization' ? KUSTOMIZATION_FIELDS : COMPONENT_FIELDS, file);
    return k;
  }

  /** One kustomization or component applied onto `objects` (a component's parent's resources). */
  private accumulate(dir: string, k: Doc, objects: K8sObject[]): K8sObject[] {
    const where = path.join(dir, 'kustomization.yaml');
    for (const entry of list(k.resources, `${where} resources`)) {
      if (typeof entry !== 'string' || /^[a-z]+:\/\//.test(entry)) throw new KustomizeError(`${where}: resources must be local paths, got ${JSON.stringify(entry)}`);
      const target = path.resolve(dir, entry);
      const found = existsSync(target) && statSync(target).isDirectory() ? this.kustomization(target) : this.file(target);
      for (const o of found) add(objects, o, where);
    }
    for (const entry of list(k.components, `${where} components`)) {
      if (typeof entry !== 'string') throw new KustomizeError(`${where}: components must be paths`);
      const componentDir = path.resolve(dir, entry);
      this.accumulate(componentDir, this.load(componentDir, 'Component'), objects);
    }
    this.generate(dir, k, objects);
    for (const entry of list(k.patches, `${where} patches`)) this.patch(dir, entry, objects);
    if (k.namespace !== undefined) setNamespace(objects, k.namespace, where);
    for (const entry of list(k.labels, `${where} labels`)) addLabels(objects, entry, where);
    for (const entry of list(k.images, `${where} images`)) setImages(objects, entry, where);
    return objects;
  }

  private file(file: string): K8sObject[] {
    return parseYamlDocuments(this.read(file), file).map((doc) => asObject(doc, file));
  }

  private generate(dir: string, k: Doc, objects: K8sObject[]): void {
    const where = path.join(dir, 'kustomization.yaml');
    const generators = [...list(k.secretGenerator, where).map((g) => ['Secret', g] as const), ...list(k.configMapGenerator, where).map((g) => ['ConfigMap', g] as const)];
    if (generators.length === 0) return;
    const options = k.generatorOptions;
    if (!isObject(options) || options.disableNameSuffixHash !== true || Object.keys(options).length !== 1) {
      throw new KustomizeError(`${where}: generators need generatorOptions: {disableNameSuffixHash: true} (name suffixes are not implemented)`);
    }
    for (const [kind, generator] of generators) {
      if (!isObject(generator) || typeof generator.name !== 'string') throw new KustomizeError(`${where}: a generator needs a name`);
      refuseUnknown(generator, ['name', 'behavior', 'literals', 'envs'], `${where} ${kind} ${generator.name}`);
      const data: Record<string, string> = {};
      for (const literal of list(generator.literals, where)) Object.assign(data, keyValue(String(literal), `${where} literal`));
      for (const env of list(generator.envs, where)) {
        const file = path.resolve(dir, String(env));
        for (const line of this.read(file).split('\n')) {
          const trimmed = line.trim();
          if (trimmed === '' || trimmed.startsWith('#')) continue;
          Object.assign(data, keyValue(trimmed, file));
        }
      }
      const behavior = generator.behavior ?? 'create';
      const existing = objects.findIndex((o) => o.kind === kind && o.metadata.name === generator.name);
      if (behavior === 'create') {
        if (existing >= 0) throw new KustomizeError(`${where}: ${kind} ${generator.name} exists already (use behavior: replace or merge)`);
        objects.push(generated(kind, generator.name, data));
      } else if (behavior === 'replace' || behavior === 'merge') {
        if (existing < 0) throw new KustomizeError(`${where}: ${kind} ${generator.name} to ${behavior} does not exist`);
        const old = objects[existing]!;
        const merged = behavior === 'merge' ? { ...decodeData(old), ...data } : data;
        objects[existing] = { ...generated(kind, generator.name, merged), metadata: { ...old.metadata } };
      } else {
        throw new KustomizeError(`${where}: generator behavior ${JSON.stringify(behavior)} is not create, replace or merge`);
      }
    }
  }

  private patch(dir: string, entry: unknown, objects: K8sObject[]): void {
    const where = path.join(dir, 'kustomization.yaml');
    if (!isObject(entry)) throw new KustomizeError(`${where}: a patch is {path} or {patch}`);
    refuseUnknown(entry, ['path', 'patch'], `${where} patches`);
    const source = typeof entry.path === 'string' ? path.resolve(dir, entry.path) : where;
    const text = typeof entry.path === 'string' ? this.read(source) : typeof entry.patch === 'string' ? entry.patch : undefined;
    if (text === undefined) throw new KustomizeError(`${where}: a patch needs path or patch`);
    for (const doc of parseYamlDocuments(text, source)) {
      if (!isObject(doc)) throw new KustomizeError(`${source}: only strategic merge patches (objects) are supported, not JSON 6902 lists`);
      const patch = asObject(doc, source);
      const targets = objects.filter((o) => o.kind === patch.kind && o.apiVersion === patch.apiVersion && o.metadata.name === patch.metadata.name && (patch.metadata.namespace === undefined || patch.metadata.namespace === o.metadata.namespace));
      if (targets.length !== 1) throw new KustomizeError(`${source}: the patch matches ${targets.length} objects (${patch.kind} ${patch.metadata.name}), not one`);
      const index = objects.indexOf(targets[0]!);
      objects[index] = strategicMerge(targets[0], patch, source) as K8sObject;
    }
  }
}

function list(value: unknown, where: string): unknown[] {
  if (value === undefined) return [];
  if (!Array.isArray(value)) throw new KustomizeError(`${where}: expected a list`);
  return value;
}

function add(objects: K8sObject[], o: K8sObject, where: string): void {
  if (objects.some((existing) => objectId(existing) === objectId(o))) throw new KustomizeError(`${where}: ${objectId(o)} is defined twice`);
  objects.push(o);
}

function keyValue(line: string, where: string): Record<string, string> {
  const at = line.indexOf('=');
  if (at <= 0) throw new KustomizeError(`${where}: "KEY=value" expected`);
  return { [line.slice(0, at)]: line.slice(at + 1) };
}

function generated(kind: 'Secret' | 'ConfigMap', name: string, data: Record<string, string>): K8sObject {
  if (kind === 'ConfigMap') return { apiVersion: 'v1', kind, metadata: { name }, data };
  const encoded = Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value).toString('base64')]));
  return { apiVersion: 'v1', kind, metadata: { name }, type: 'Opaque', data: encoded };
}

function decodeData(o: K8sObject): Record<string, string> {
  const data = (o.data ?? {}) as Record<string, string>;
  return o.kind === 'Secret' ? Object.fromEntries(Object.entries(data).map(([key, value]) => [key, Buffer.from(value, 'base64').toString()])) : { ...data };
}

/** Kubernetes strategic merge, for the lists in MERGE_KEYS and REPLACED_LISTS; anything else is refused. */
export function strategicMerge(base: unknown, patch: unknown, where: string, key = ''): unknown {
  if (isObject(patch)) {
    const result: Doc = isObject(base) ? { ...base } : {};
    for (const [field, value] of Object.entries(patch)) {
      if (field.startsWith('$')) throw new KustomizeError(`${where}: patch directive ${field} is not supported`);
      if (value === null) delete result[field];
      else result[field] = strategicMerge(result[field], value, where, field);
    }
    return result;
  }
  if (Array.isArray(patch)) {
    const mergeKey = MERGE_KEYS[key];
    if (mergeKey) {
      const result = Array.isArray(base) ? [...(base as Doc[])] : [];
      for (const item of patch as Doc[]) {
        const at = result.findIndex((existing) => existing[mergeKey] === item[mergeKey]);
        if (at >= 0) result[at] = strategicMerge(result[at], item, where) as Doc;
        else result.push(item);
      }
      return result;
    }
    if (!REPLACED_LISTS.has(key)) throw new KustomizeError(`${where}: patching the list "${key}" is not supported (its merge strategy is not implemented)`);
    return patch;
  }
  return patch;
}

function setNamespace(objects: K8sObject[], namespace: unknown, where: string): void {
  if (typeof namespace !== 'string') throw new KustomizeError(`${where}: namespace must be a string`);
  for (const o of objects) {
    if (CLUSTER_SCOPED.has(o.kind)) {
      // kustomize renames a Namespace object to the namespace; keep the two equal instead.
      if (o.kind === 'Namespace' && o.metadata.name !== namespace) throw new KustomizeError(`${where}: Namespace ${o.metadata.name} differs from namespace ${namespace}`);
      continue;
    }
    o.metadata = { ...o.metadata, namespace };
  }
}

function addLabels(objects: K8sObject[], entry: unknown, where: string): void {
  if (!isObject(entry) || !isObject(entry.pairs)) throw new KustomizeError(`${where}: labels entries need pairs`);
  refuseUnknown(entry, ['pairs', 'includeTemplates', 'includeSelectors'], `${where} labels`);
  if (entry.includeSelectors === true) throw new KustomizeError(`${where}: labels.includeSelectors is not supported (selectors are immutable: keep them out)`);
  const pairs = entry.pairs as Record<string, string>;
  for (const o of objects) {
    o.metadata = { ...o.metadata, labels: { ...o.metadata.labels, ...pairs } };
    if (entry.includeTemplates === true && WORKLOADS.has(o.kind)) {
      const template = (o.spec as { template: { metadata?: { labels?: Record<string, string> } } }).template;
      template.metadata = { ...template.metadata, labels: { ...template.metadata?.labels, ...pairs } };
    }
  }
}

/** `name[:tag][@digest]`, the name possibly with a registry port. */
export function parseImage(image: string): { name: string; tag?: string; digest?: string } {
  const [beforeDigest, digest] = image.split('@') as [string, string | undefined];
  const slash = beforeDigest.lastIndexOf('/');
  const colon = beforeDigest.lastIndexOf(':');
  const hasTag = colon > slash;
  return { name: hasTag ? beforeDigest.slice(0, colon) : beforeDigest, tag: hasTag ? beforeDigest.slice(colon + 1) : undefined, digest };
}

function setImages(objects: K8sObject[], entry: unknown, where: string): void {
  if (!isObject(entry) || typeof entry.name !== 'string') throw new KustomizeError(`${where}: images entries need a name`);
  refuseUnknown(entry, ['name', 'newName', 'newTag', 'digest'], `${where} images`);
  for (const container of podContainers(objects)) {
    const image = parseImage(container.image);
    if (image.name !== entry.name) continue;
    const name = typeof entry.newName === 'string' ? entry.newName : image.name;
    const digest = typeof entry.digest === 'string' ? entry.digest : undefined;
    const tag = entry.newTag === undefined ? image.tag : String(entry.newTag);
    container.image = digest ? `${name}@${digest}` : `${name}${tag ? `:${tag}` : ''}${image.digest && entry.newTag === undefined ? `@${image.digest}` : ''}`;
  }
}

export interface Container {
  name: string;
  image: string;
  [key: string]: unknown;
}

/** Every container and init container of every pod template. */
export function podContainers(objects: K8sObject[]): Container[] {
  return objects.flatMap((o) => {
    const pod = podSpec(o);
    return pod ? [...((pod.containers ?? []) as Container[]), ...((pod.initContainers ?? []) as Container[])] : [];
  });
}

export function podSpec(o: K8sObject): Doc | undefined {
  if (!WORKLOADS.has(o.kind)) return undefined;
  return ((o.spec as Doc | undefined)?.template as Doc | undefined)?.spec as Doc | undefined;
}

/** Renders the kustomization in `dir` (a directory holding kustomization.yaml). */
export function renderKustomization(dir: string, options: RenderOptions = {}): K8sObject[] {
  const read = options.readFile ?? ((file: string) => readFileSync(file, 'utf8'));
  // Structured copies: a caller that mutates the result does not touch another render.
  return structuredClone(new Renderer(read).kustomization(path.resolve(dir)));
}
