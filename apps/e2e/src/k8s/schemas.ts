import path from 'node:path';
import ts from 'typescript';
import type { K8sObject } from './kustomize';
import { ConfigMap } from 'kubernetes-models/v1/ConfigMap';
import { Deployment } from 'kubernetes-models/apps/v1/Deployment';
import { HorizontalPodAutoscaler } from 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler';
import { Namespace } from 'kubernetes-models/v1/Namespace';
import { NetworkPolicy } from 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy';
import { PersistentVolumeClaim } from 'kubernetes-models/v1/PersistentVolumeClaim';
import { PodDisruptionBudget } from 'kubernetes-models/policy/v1/PodDisruptionBudget';
import { Secret } from 'kubernetes-models/v1/Secret';
import { Service } from 'kubernetes-models/v1/Service';
import { ServiceMonitor } from '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor';

/**
 * Validation of rendered objects against the Kubernetes API schemas, in two passes:
 *   1. kubernetes-models (4.5.x: the OpenAPI of Kubernetes v1.33.0; the ServiceMonitor from
 *      @kubernetes-models/prometheus-operator) compiled to ajv validators: types, required
 *      members, enums, formats;
 *   2. unknown fields, which Kubernetes' OpenAPI does not forbid (no additionalProperties: false)
 *      but `kubectl apply` refuses (field validation Strict): each object is type-checked as an
 *      object literal against the package's TypeScript interface, generated from the same
 *      OpenAPI, so TypeScript's excess-property check names any member the API does not have.
 */
export const KUBERNETES_VERSION = '1.33.0';

interface ModelClass {
  new (data: never): { validate(): void };
}

/** The API types deploy/ uses: each with its ajv-validated model and the module of its interface. */
const MODELS: Record<string, { readonly model: ModelClass; readonly module: string }> = {
  'v1/Namespace': { model: Namespace, module: 'kubernetes-models/v1/Namespace' },
  'v1/ConfigMap': { model: ConfigMap, module: 'kubernetes-models/v1/ConfigMap' },
  'v1/Secret': { model: Secret, module: 'kubernetes-models/v1/Secret' },
  'v1/Service': { model: Service, module: 'kubernetes-models/v1/Service' },
  'v1/PersistentVolumeClaim': { model: PersistentVolumeClaim, module: 'kubernetes-models/v1/PersistentVolumeClaim' },
  'apps/v1/Deployment': { model: Deployment, module: 'kubernetes-models/apps/v1/Deployment' },
  'policy/v1/PodDisruptionBudget': { model: PodDisruptionBudget, module: 'kubernetes-models/policy/v1/PodDisruptionBudget' },
  'autoscaling/v2/HorizontalPodAutoscaler': { model: HorizontalPodAutoscaler, module: 'kubernetes-models/autoscaling/v2/HorizontalPodAutoscaler' },
  'networking.k8s.io/v1/NetworkPolicy': { model: NetworkPolicy, module: 'kubernetes-models/networking.k8s.io/v1/NetworkPolicy' },
  'monitoring.coreos.com/v1/ServiceMonitor': { model: ServiceMonitor, module: '@kubernetes-models/prometheus-operator/monitoring.coreos.com/v1/ServiceMonitor' },
};

const modelOf = (o: K8sObject) => MODELS[`${o.apiVersion}/${o.kind}`];

/** Pass 1: ajv against the OpenAPI schema. Answers one message per invalid object. */
function ajvErrors(objects: K8sObject[]): string[] {
  return objects.flatMap((o) => {
    const entry = modelOf(o);
    if (!entry) return [`${o.kind} ${o.metadata.name}: no schema for ${o.apiVersion} ${o.kind} here (add it to MODELS)`];
    try {
      new entry.model(o as never).validate();
      return [];
    } catch (error) {
      return [`${o.kind} ${o.metadata.name}: ${(error as Error).message}`];
    }
  });
}

/** Pass 2: TypeScript's excess-property and type checks against the generated interfaces. */
function typeErrors(objects: K8sObject[]): string[] {
  const file = path.join(__dirname, '__rendered-objects__.ts');
  const lines: string[] = [];
  const owners: string[] = [];
  const typed = objects.filter((o) => modelOf(o));
  typed.forEach((o, index) => {
    lines.push(`import type { I${o.kind} as T${index} } from '${modelOf(o)!.module}';`);
    owners.push('');
  });
  typed.forEach((o, index) => {
    const body = JSON.stringify(o, null, 1).split('\n');
    body[0] = `export const o${index}: T${index} = ${body[0]}`;
    for (const line of body) {
      lines.push(line);
      owners.push(`${o.kind} ${o.metadata.name}`);
    }
    lines[lines.length - 1] += ';';
  });
  const source = lines.join('\n');
  const options: ts.CompilerOptions = { strict: true, noEmit: true, skipLibCheck: true, types: [], module: ts.ModuleKind.CommonJS, moduleResolution: ts.ModuleResolutionKind.Node10, target: ts.ScriptTarget.ES2022 };
  const host = ts.createCompilerHost(options);
  const getSourceFile = host.getSourceFile.bind(host);
  host.getSourceFile = (name, language) => (name === file ? ts.createSourceFile(name, source, language) : getSourceFile(name, language));
  const fileExists = host.fileExists.bind(host);
  host.fileExists = (name) => name === file || fileExists(name);
  const program = ts.createProgram([file], options, host);
  return ts.getPreEmitDiagnostics(program).map((d) => {
    const text = ts.flattenDiagnosticMessageText(d.messageText, '\n');
    if (!d.file || d.file.fileName !== file || d.start === undefined) return text;
    const line = d.file.getLineAndCharacterOfPosition(d.start).line;
    return `${owners[line] || 'import'}: ${text.split('\n').slice(-1)[0]}`;
  });
}

/** Every schema violation of `objects` (empty when all are valid Kubernetes 1.33 objects). */
export function schemaErrors(objects: K8sObject[]): string[] {
  return [...ajvErrors(objects), ...typeErrors(objects)];
}
