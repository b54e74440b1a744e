import { objectId, parseImage, podSpec, type Container, type K8sObject } from './kustomize';

/**
 * Our own rules for the rendered manifests, beyond what the API schemas say. Each answers
 * human-readable violations; an empty list means the set is deployable by these rules.
 */
export interface PolicyOptions {
  /** Longest graceful stop of a process (libs/service-kit SHUTDOWN_BOUND_MS), in seconds. */
  readonly drainSeconds: number;
  /** Require a HorizontalPodAutoscaler for every Deployment (production). */
  readonly requireAutoscaling: boolean;
}

type Doc = Record<string, any>;

const str = (o: K8sObject) => `${o.kind} ${o.metadata.name}`;

/** A `matchLabels` selector (the only form used here) matches `labels`. */
function selects(selector: Doc | undefined, labels: Record<string, string> | undefined): boolean {
  if (!selector || selector.matchExpressions) return false;
  const wanted = Object.entries((selector.matchLabels ?? selector) as Record<string, string>);
  return wanted.length > 0 && wanted.every(([key, value]) => labels?.[key] === value);
}

const templateLabels = (d: K8sObject): Record<string, string> | undefined => (d.spec as Doc).template?.metadata?.labels;

function containerRules(d: K8sObject, pod: Doc, c: Container, init: boolean, options: PolicyOptions): string[] {
  const where = `${str(d)} container ${c.name}`;
  const out: string[] = [];
  const image = parseImage(c.image ?? '');
  if (!image.digest && (!image.tag || image.tag === 'latest')) out.push(`${where}: image ${c.image} is not pinned (a version tag or a digest, never latest)`);
  const security = (c.securityContext ?? {}) as Doc;
  const podSecurity = (pod.securityContext ?? {}) as Doc;
  if ((security.runAsNonRoot ?? podSecurity.runAsNonRoot) !== true) out.push(`${where}: runAsNonRoot is not true`);
  if ((security.runAsUser ?? podSecurity.runAsUser) === 0) out.push(`${where}: runs as uid 0`);
  if (security.readOnlyRootFilesystem !== true) out.push(`${where}: readOnlyRootFilesystem is not true`);
  if (security.allowPrivilegeEscalation !== false) out.push(`${where}: allowPrivilegeEscalation is not false`);
  if (security.privileged === true) out.push(`${where}: privileged`);
  if (!(security.capabilities?.drop ?? []).includes('ALL')) out.push(`${where}: capabilities do not drop ALL`);
  if ((security.capabilities?.add ?? []).length > 0) out.push(`${where}: adds capabilities`);
  if ((security.seccompProfile ?? podSecurity.seccompProfile)?.type !== 'RuntimeDefault') out.push(`${where}: seccompProfile is not RuntimeDefault`);
  const resources = (c.resources ?? {}) as Doc;
  for (const kind of ['requests', 'limits']) for (const resource of ['cpu', 'memory']) if (resources[kind]?.[resource] === undefined) out.push(`${where}: no ${kind}.${resource}`);
  const mounts = (c.volumeMounts ?? []) as Doc[];
  if (!mounts.some((m) => m.mountPath === '/tmp' && m.readOnly !== true)) out.push(`${where}: no writable /tmp volume under the read-only root filesystem`);
  if (init) return out;
  const ports = ((c.ports ?? []) as Doc[]).flatMap((p) => [p.name, p.containerPort]);
  for (const probe of ['startupProbe', 'livenessProbe', 'readinessProbe']) {
    const p = c[probe] as Doc | undefined;
    if (!p?.httpGet) out.push(`${where}: no ${probe} (httpGet)`);
    else if (!ports.includes(p.httpGet.port)) out.push(`${where}: ${probe} targets port ${p.httpGet.port}, which the container does not declare`);
  }
  const preStop = ((c.lifecycle as Doc | undefined)?.preStop ?? {}) as Doc;
  if (preStop.exec) out.push(`${where}: preStop exec is not supported here (use the sleep action, whose length the grace period check can count)`);
  const grace = (pod.terminationGracePeriodSeconds as number | undefined) ?? 30;
  const needed = options.drainSeconds + ((preStop.sleep?.seconds as number | undefined) ?? 0);
  if (grace <= needed) out.push(`${where}: terminationGracePeriodSeconds ${grace} does not exceed the drain time ${needed} s (preStop + shutdown bound)`);
  return out;
}

function deploymentRules(objects: K8sObject[], options: PolicyOptions): string[] {
  const deployments = objects.filter((o) => o.kind === 'Deployment');
  return deployments.flatMap((d) => {
    const pod = podSpec(d)!;
    const labels = templateLabels(d);
    const out: string[] = [];
    if (!selects((d.spec as Doc).selector, labels)) out.push(`${str(d)}: its selector does not match its pod template`);
    for (const c of (pod.containers ?? []) as Container[]) out.push(...containerRules(d, pod, c, false, options));
    for (const c of (pod.initContainers ?? []) as Container[]) out.push(...containerRules(d, pod, c, true, options));
    const inNamespace = objects.filter((o) => o.metadata.namespace === d.metadata.namespace);
    if (!inNamespace.some((o) => o.kind === 'PodDisruptionBudget' && selects((o.spec as Doc).selector, labels))) out.push(`${str(d)}: no PodDisruptionBudget selects its pods`);
    const services = inNamespace.filter((o) => o.kind === 'Service' && selects((o.spec as Doc).selector, labels));
    if (services.length === 0) out.push(`${str(d)}: no Service selects its pods`);
    const ports = ((pod.containers ?? []) as Doc[]).flatMap((c) => ((c.ports ?? []) as Doc[]).flatMap((p) => [p.name, p.containerPort]));
    for (const s of services) for (const p of (s.spec as Doc).ports as Doc[]) if (!ports.includes(p.targetPort ?? p.port)) out.push(`${str(s)}: targetPort ${p.targetPort ?? p.port} is not a port of ${str(d)}`);
    const hpa = inNamespace.some((o) => o.kind === 'HorizontalPodAutoscaler' && (o.spec as Doc).scaleTargetRef?.kind === 'Deployment' && (o.spec as Doc).scaleTargetRef?.name === d.metadata.name);
    if (options.requireAutoscaling && !hpa) out.push(`${str(d)}: no HorizontalPodAutoscaler`);
    return out;
  });
}

/** Secrets, ConfigMaps and claims named by pods exist in the rendered set (with the keys named). */
function referenceRules(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const find = (kind: string, namespace: string | undefined, name: string) => objects.find((o) => o.kind === kind && o.metadata.namespace === namespace && o.metadata.name === name);
  const keysOf = (o: K8sObject) => Object.keys({ ...(o.data as Doc | undefined), ...(o.stringData as Doc | undefined) });
  for (const d of objects.filter((o) => o.kind === 'Deployment')) {
    const pod = podSpec(d)!;
    const ns = d.metadata.namespace;
    const need = (kind: string, name: string, key?: string, optional?: boolean) => {
      const target = find(kind, ns, name);
      if (!target) {
        if (!optional) out.push(`${str(d)}: refers to ${kind} ${name}, which is not in the rendered set`);
      } else if (key !== undefined && !keysOf(target).includes(key)) out.push(`${str(d)}: refers to key ${key} of ${kind} ${name}, which has no such key`);
    };
    for (const c of [...((pod.containers ?? []) as Doc[]), ...((pod.initContainers ?? []) as Doc[])]) {
      for (const e of (c.env ?? []) as Doc[]) {
        if (e.valueFrom?.secretKeyRef) need('Secret', e.valueFrom.secretKeyRef.name, e.valueFrom.secretKeyRef.key, e.valueFrom.secretKeyRef.optional);
        if (e.valueFrom?.configMapKeyRef) need('ConfigMap', e.valueFrom.configMapKeyRef.name, e.valueFrom.configMapKeyRef.key, e.valueFrom.configMapKeyRef.optional);
      }
      for (const e of (c.envFrom ?? []) as Doc[]) {
        if (e.secretRef) need('Secret', e.secretRef.name, undefined, e.secretRef.optional);
        if (e.configMapRef) need('ConfigMap', e.configMapRef.name, undefined, e.configMapRef.optional);
      }
      const volumes = new Set(((pod.volumes ?? []) as Doc[]).map((v) => v.name));
      for (const m of (c.volumeMounts ?? []) as Doc[]) if (!volumes.has(m.name)) out.push(`${str(d)}: mounts volume ${m.name}, which the pod does not define`);
    }
    for (const v of (pod.volumes ?? []) as Doc[]) {
      if (v.secret) need('Secret', v.secret.secretName, undefined, v.secret.optional);
      if (v.configMap) need('ConfigMap', v.configMap.name, undefined, v.configMap.optional);
      if (v.persistentVolumeClaim) need('PersistentVolumeClaim', v.persistentVolumeClaim.claimName);
      if (v.projected) out.push(`${str(d)}: projected volumes are not checked here`);
    }
  }
  for (const h of objects.filter((o) => o.kind === 'HorizontalPodAutoscaler')) {
    const ref = (h.spec as Doc).scaleTargetRef as Doc;
    if (!find(ref.kind, h.metadata.namespace, ref.name)) out.push(`${str(h)}: scales ${ref.kind} ${ref.name}, which is not in the rendered set`);
  }
  return out;
}

/** Every namespace with workloads denies by default, and every pod is named by some policy. */
function networkRules(objects: K8sObject[]): string[] {
  const out: string[] = [];
  const namespaces = new Set(objects.filter((o) => o.kind === 'Deployment').map((o) => o.metadata.namespace));
  for (const ns of namespaces) {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy' && o.metadata.namespace === ns);
    const denyAll = policies.some((p) => {
      const spec = p.spec as Doc;
      return Object.keys(spec.podSelector ?? {}).length === 0 && ['Ingress', 'Egress'].every((t) => (spec.policyTypes ?? []).includes(t)) && !spec.ingress?.length && !spec.egress?.length;
    });
    if (!denyAll) out.push(`namespace ${ns}: no default-deny NetworkPolicy (empty podSelector, Ingress and Egress, no rules)`);
    for (const d of objects.filter((o) => o.kind === 'Deployment' && o.metadata.namespace === ns)) {
      const allowed = policies.some((p) => selects((p.spec as Doc).podSelector, templateLabels(d)) && ((p.spec as Doc).ingress?.length || (p.spec as Doc).egress?.length));
      if (!allowed) out.push(`${str(d)}: no NetworkPolicy allows it any traffic`);
    }
  }
  return out;
}

/** ServiceMonitors select Services of the set by a port name those Services have. */
function monitoringRules(objects: K8sObject[]): string[] {
  return objects
    .filter((o) => o.kind === 'ServiceMonitor')
    .flatMap((m) => {
      const spec = m.spec as Doc;
      const services = objects.filter((o) => o.kind === 'Service' && o.metadata.namespace === m.metadata.namespace && selects(spec.selector, o.metadata.labels));
      if (services.length === 0) return [`${str(m)}: selects no Service`];
      return (spec.endpoints as Doc[]).flatMap((e) => services.filter((s) => !((s.spec as Doc).ports as Doc[]).some((p) => p.name === e.port)).map((s) => `${str(m)}: ${str(s)} has no port named ${e.port}`));
    });
}

export function policyViolations(objects: K8sObject[], options: PolicyOptions): string[] {
  const ids = objects.map(objectId);
  const duplicates = ids.filter((id, index) => ids.indexOf(id) !== index).map((id) => `${id} appears twice`);
  return [...duplicates, ...deploymentRules(objects, options), ...referenceRules(objects), ...networkRules(objects), ...monitoringRules(objects)];
}
