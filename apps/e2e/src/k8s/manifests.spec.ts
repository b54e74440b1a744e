import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync, mkdirSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { loadConfig, SHUTDOWN_BOUND_MS } from '@pki/service-kit';
import { APPS, ROOT } from '../app-process';
import { parseYamlDocuments, podSpec, renderKustomization, type K8sObject } from './kustomize';
import { policyViolations } from './policy';
import { KUBERNETES_VERSION, schemaErrors } from './schemas';

/**
 * deploy/: the base and every overlay rendered (./kustomize.ts) and checked against the
 * Kubernetes 1.33 schemas (./schemas.ts) and our policy (./policy.ts); then the checks
 * themselves against broken manifests, so none of them passes by checking nothing.
 */
const DEPLOY = path.join(ROOT, 'deploy');
const OPERATOR_SECRETS = path.join(DEPLOY, 'overlays', 'production', 'secrets.env');
const EXAMPLE_SECRETS = readFileSync(`${OPERATOR_SECRETS}.example`, 'utf8');
const VERSION = (JSON.parse(readFileSync(path.join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;
const DRAIN_SECONDS = SHUTDOWN_BOUND_MS / 1000;

/** Renders as an operator would after copying secrets.env.example to secrets.env. */
const render = (dir: string) => renderKustomization(dir, { readFile: (file) => (file === OPERATOR_SECRETS ? EXAMPLE_SECRETS : readFileSync(file, 'utf8')) });

const OVERLAYS = readdirSync(path.join(DEPLOY, 'overlays')).sort();
const VARIANTS = ['base', ...OVERLAYS.map((o) => `overlays/${o}`)];
const rendered = new Map(VARIANTS.map((variant) => [variant, render(path.join(DEPLOY, variant))]));
const production = () => structuredClone(rendered.get('overlays/production')!);
const autoscaled = (variant: string) => variant.startsWith('overlays/production');

type Doc = Record<string, any>;
const deployments = (objects: K8sObject[]) => objects.filter((o) => o.kind === 'Deployment');
const pod = (d: K8sObject) => podSpec(d) as Doc;
const container = (d: K8sObject) => (pod(d).containers as Doc[])[0]!;
const get = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name)!;
const secretValues = (objects: K8sObject[]) => Object.fromEntries(Object.entries(get(objects, 'Secret', 'pki-secrets').data as Record<string, string>).map(([k, v]) => [k, Buffer.from(v, 'base64').toString()]));

describe('deploy/ renders and validates', () => {
  it('covers the base and the overlays development, production and production-monitoring', () => {
    expect(OVERLAYS).toEqual(['development', 'production', 'production-monitoring']);
  });

  it.each(VARIANTS)(`%s: every object is valid against the Kubernetes ${KUBERNETES_VERSION} schemas`, (variant) => {
    expect(schemaErrors(rendered.get(variant)!)).toEqual([]);
  });

  it.each(VARIANTS)('%s: satisfies the policy (pinned images, probes, non-root, read-only root, limits, grace > drain, PDB, Service, references, network policies)', (variant) => {
    expect(policyViolations(rendered.get(variant)!, { drainSeconds: DRAIN_SECONDS, requireAutoscaling: autoscaled(variant) })).toEqual([]);
  });

  it.each(VARIANTS)('%s: one Deployment per app, started by the image CMD (PKI_APP) on the port the app listens on', (variant) => {
    const objects = rendered.get(variant)!;
    expect(deployments(objects).map((d) => d.metadata.name).sort()).toEqual([...APPS].sort());
    for (const d of deployments(objects)) {
      const c = container(d);
      expect(c.command).toBeUndefined();
      expect(c.args).toBeUndefined();
      expect((c.env as Doc[]).find((e) => e.name === 'PKI_APP')?.value).toBe(d.metadata.name);
      const fromConfig = Object.assign({}, ...(c.envFrom as Doc[]).map((e) => get(objects, 'ConfigMap', e.configMapRef.name).data));
      const env = { ...fromConfig, ...Object.fromEntries((c.env as Doc[]).filter((e) => 'value' in e).map((e) => [e.name, e.value])) };
      const listens = d.metadata.name === 'api-gateway' ? env.PKI_HTTP_PORT : env.PKI_HEALTH_PORT;
      expect((c.ports as Doc[]).find((p) => p.name === 'http')?.containerPort).toBe(Number(listens));
      expect(env.PKI_HTTP_HOST).toBe('0.0.0.0');
    }
  });

  it.each(VARIANTS)('%s: images carry the version of package.json', (variant) => {
    for (const d of deployments(rendered.get(variant)!)) expect(container(d).image).toMatch(new RegExp(`(^|/)pki-platform:${VERSION.replace(/\./g, '\\.')}$`));
  });

  it.each(VARIANTS)('%s: the KEK and the PKCS #11 PIN reach ca-service only; the database URL no gateway', (variant) => {
    for (const d of deployments(rendered.get(variant)!)) {
      const secrets = (container(d).env as Doc[]).filter((e) => e.valueFrom?.secretKeyRef).map((e) => e.name as string);
      expect(secrets.includes('PKI_KEK')).toBe(d.metadata.name === 'ca-service');
      expect(secrets.includes('PKI_PKCS11_PIN')).toBe(d.metadata.name === 'ca-service');
      expect(secrets.includes('DATABASE_URL')).toBe(d.metadata.name !== 'api-gateway');
      expect(secrets).toContain('PKI_ACCESS_KEYS');
    }
  });

  it.each(VARIANTS)('%s: the gateway serves gRPC on its declared ports, with its TLS files and client CA from the optional Secret pki-grpc', (variant) => {
    const objects = rendered.get(variant)!;
    const gateway = get(objects, 'Deployment', 'api-gateway');
    const c = container(gateway);
    const env = Object.fromEntries((c.env as Doc[]).map((e) => [e.name, e])) as Record<string, Doc>;
    const config = get(objects, 'ConfigMap', 'pki-config').data as Record<string, string>;
    const port = (name: string) => (c.ports as Doc[]).find((p) => p.name === name)?.containerPort;
    expect(port('grpc')).toBe(Number(env.PKI_GRPC_PORT!.value));
    expect(port('grpc-health')).toBe(Number(env.PKI_GRPC_HEALTH_PORT!.value));
    // Optional: without the Secret the gateway starts, serves HTTP and logs that gRPC is not configured.
    expect(env.PKI_GRPC_CLIENT_CA_ARN!.valueFrom.secretKeyRef).toEqual({ name: 'pki-grpc', key: 'PKI_GRPC_CLIENT_CA_ARN', optional: true });
    const volume = (pod(gateway).volumes as Doc[]).find((v) => v.secret?.secretName === 'pki-grpc')!;
    expect(volume.secret).toMatchObject({ optional: true });
    expect(volume.secret.defaultMode & 0o007).toBe(0); // the key is not readable by others
    const mount = (c.volumeMounts as Doc[]).find((m) => m.name === volume.name)!;
    expect(mount.readOnly).toBe(true);
    expect([env.PKI_GRPC_TLS_CERT!.value, env.PKI_GRPC_TLS_KEY!.value]).toEqual([`${mount.mountPath}/tls.crt`, `${mount.mountPath}/tls.key`]);
    // Clients reach it: a Service port and the gateway's network policy.
    expect(((get(objects, 'Service', 'api-gateway').spec as Doc).ports as Doc[]).find((p) => p.name === 'grpc')).toMatchObject({ port: port('grpc'), targetPort: 'grpc' });
    expect(((get(objects, 'NetworkPolicy', 'api-gateway').spec as Doc).ingress as Doc[]).flatMap((rule) => (rule.ports as Doc[]).map((p) => p.port))).toEqual(expect.arrayContaining(['http', 'grpc']));
    // Development credentials only in the development overlay (the gateway refuses them with NODE_ENV=production), in its writable /tmp.
    const dev = config.PKI_GRPC_DEV_CREDENTIALS ?? env.PKI_GRPC_DEV_CREDENTIALS?.value;
    expect(dev).toBe(variant === 'overlays/development' ? '1' : undefined);
    if (dev) {
      expect(config.NODE_ENV).toBe('development');
      expect(config.PKI_GRPC_DEV_DIR).toMatch(/^\/tmp\//);
    }
  });

  it('the committed secrets are placeholders, which the apps refuse to start with', () => {
    const base = secretValues(rendered.get('base')!);
    expect(Object.values(base).every((v) => v === 'CHANGE_ME')).toBe(true);
    for (const value of Object.values(secretValues(production()))) expect(value).toContain('CHANGE_ME');
    expect(() => loadConfig({ NODE_ENV: 'production', PKI_ACCESS_KEYS: base.PKI_ACCESS_KEYS })).toThrow(/PKI_ACCESS_KEYS/);
    expect(() => loadConfig({ NODE_ENV: 'production', PKI_ACCESS_KEYS: 'a1:s1:123456789012', DATABASE_URL: base.DATABASE_URL })).toThrow(/DATABASE_URL/);
  });

  it('production does not build until the operator provides secrets.env', () => {
    expect(() => renderKustomization(path.join(DEPLOY, 'overlays', 'production'), { readFile: (file) => (file === OPERATOR_SECRETS ? missing(file) : readFileSync(file, 'utf8')) })).toThrow(/secrets\.env/);
    expect(readFileSync(path.join(DEPLOY, 'overlays', 'production', '.gitignore'), 'utf8')).toMatch(/^secrets\.env$/m);
  });

  it('development: the patched ConfigMap keeps the base keys, the object volume is single-node', () => {
    const dev = rendered.get('overlays/development')!;
    const config = get(dev, 'ConfigMap', 'pki-config').data as Record<string, string>;
    expect(config).toMatchObject({ NODE_ENV: 'development', PKI_HEALTH_PORT: '8080', PKI_NATS_PREFIX: 'pki' });
    expect((get(dev, 'PersistentVolumeClaim', 'pki-objects').spec as Doc).accessModes).toEqual(['ReadWriteOnce']);
    expect(secretValues(dev).PKI_ACCESS_KEYS).toBe('test:test:000000000000');
  });

  it('production: every app runs at least two replicas and a disruption takes one pod at a time', () => {
    const objects = production();
    for (const d of deployments(objects)) {
      expect((get(objects, 'HorizontalPodAutoscaler', d.metadata.name).spec as Doc).minReplicas).toBeGreaterThanOrEqual(2);
      expect((get(objects, 'PodDisruptionBudget', d.metadata.name).spec as Doc).maxUnavailable).toBe(1);
    }
  });

  it('production-monitoring: one ServiceMonitor scrapes /metrics on every app Service', () => {
    const objects = rendered.get('overlays/production-monitoring')!;
    const monitor = get(objects, 'ServiceMonitor', 'pki-platform');
    expect(monitor.metadata.namespace).toBe('pki');
    expect((monitor.spec as Doc).endpoints).toEqual([expect.objectContaining({ port: 'http', path: '/metrics' })]);
    expect(objects.filter((o) => o.kind === 'Service').every((s) => s.metadata.labels?.['app.kubernetes.io/part-of'] === 'pki-platform')).toBe(true);
  });
});

describe('deploy/dependencies', () => {
  const yaml = (file: string) => parseYamlDocuments(readFileSync(path.join(DEPLOY, 'dependencies', file), 'utf8'), file) as Doc[];

  it('NATS: JetStream on a cluster of 3 with the max_payload the platform needs (deploy/nats, ensure-services.sh)', () => {
    const [values] = yaml('nats-values.yaml');
    expect(values!.config.cluster).toMatchObject({ enabled: true, replicas: 3 });
    expect(values!.config.jetstream.enabled).toBe(true);
    const required = Number(/NATS_MIN_PAYLOAD=(\d+)/.exec(readFileSync(path.join(ROOT, 'scripts', 'ensure-services.sh'), 'utf8'))![1]);
    expect(required).toBe(8 * 1024 * 1024);
    expect(readFileSync(path.join(DEPLOY, 'nats', 'nats.conf'), 'utf8')).toMatch(/^max_payload: 8MB$/m);
    expect(values!.config.merge.max_payload).toBeGreaterThanOrEqual(required);
  });

  it('Postgres: max_connections covers the configured pool (PKI_DATABASE_POOL_SIZE) per service replica at the autoscaling maxima', () => {
    const hpas = production().filter((o) => o.kind === 'HorizontalPodAutoscaler' && o.metadata.name !== 'api-gateway');
    const config = production().find((o) => o.kind === 'ConfigMap' && o.metadata.name.startsWith('pki-config'));
    const pool = Number((config as Doc | undefined)?.data?.PKI_DATABASE_POOL_SIZE);
    expect(pool).toBeGreaterThan(0);
    const needed = pool * hpas.reduce((sum, h) => sum + (h.spec as Doc).maxReplicas, 0);
    const [values] = yaml('postgresql-values.yaml');
    expect(Number(/max_connections = (\d+)/.exec(values!.primary.extendedConfiguration)![1])).toBeGreaterThan(needed);
    const [cluster] = yaml('postgres-cluster.yaml');
    expect(Number(cluster!.spec.postgresql.parameters.max_connections)).toBeGreaterThan(needed);
    // The label the platform's egress policy allows.
    expect(cluster!.spec.inheritedMetadata.labels['app.kubernetes.io/name']).toBe('postgresql');
  });

  it('the network policies of the dependencies namespace are valid objects', () => {
    const policies = yaml('network-policies.yaml') as K8sObject[];
    expect(policies.map((p) => p.kind)).toEqual(['NetworkPolicy', 'NetworkPolicy']);
    expect(schemaErrors(policies)).toEqual([]);
  });
});

function missing(file: string): never {
  throw Object.assign(new Error(`ENOENT: no such file or directory, open '${file}'`), { code: 'ENOENT' });
}

describe('the checks catch broken manifests', () => {
  const deployment = (objects: K8sObject[], name = 'ca-service') => get(objects, 'Deployment', name);
  const cases: Array<[string, (objects: K8sObject[]) => void, RegExp]> = [
    ['an untagged image', (o) => void (container(deployment(o)).image = 'registry.example.com/pki-platform'), /image .* is not pinned/],
    ['a latest image', (o) => void (container(deployment(o)).image = 'pki-platform:latest'), /image .* is not pinned/],
    ['a missing readiness probe', (o) => void delete container(deployment(o)).readinessProbe, /no readinessProbe/],
    ['a probe on an undeclared port', (o) => void (container(deployment(o)).livenessProbe.httpGet.port = 9999), /livenessProbe targets port 9999/],
    ['root allowed', (o) => void (delete container(deployment(o)).securityContext.runAsNonRoot, delete pod(deployment(o)).securityContext.runAsNonRoot), /runAsNonRoot is not true/],
    ['a writable root filesystem', (o) => void (container(deployment(o)).securityContext.readOnlyRootFilesystem = false), /readOnlyRootFilesystem is not true/],
    ['privilege escalation', (o) => void delete container(deployment(o)).securityContext.allowPrivilegeEscalation, /allowPrivilegeEscalation is not false/],
    ['capabilities kept', (o) => void (container(deployment(o)).securityContext.capabilities.drop = ['NET_RAW']), /do not drop ALL/],
    ['no seccomp profile', (o) => void delete pod(deployment(o)).securityContext.seccompProfile, /seccompProfile is not RuntimeDefault/],
    ['no memory limit', (o) => void delete container(deployment(o)).resources.limits.memory, /no limits\.memory/],
    ['no cpu request', (o) => void delete container(deployment(o)).resources.requests.cpu, /no requests\.cpu/],
    ['no /tmp volume', (o) => void (container(deployment(o)).volumeMounts = container(deployment(o)).volumeMounts.filter((m: Doc) => m.mountPath !== '/tmp')), /no writable \/tmp/],
    ['a grace period within the drain time', (o) => void (pod(deployment(o)).terminationGracePeriodSeconds = DRAIN_SECONDS), /does not exceed the drain time/],
    ['a grace period that forgets the preStop sleep', (o) => void (pod(deployment(o, 'api-gateway')).terminationGracePeriodSeconds = DRAIN_SECONDS + 2), /does not exceed the drain time 30 s/],
    ['a Deployment without PDB', (o) => void o.splice(o.indexOf(get(o, 'PodDisruptionBudget', 'ca-service')), 1), /no PodDisruptionBudget selects/],
    ['a Deployment without Service', (o) => void o.splice(o.indexOf(get(o, 'Service', 'ca-service')), 1), /no Service selects/],
    ['a Service on a port the pods lack', (o) => void ((get(o, 'Service', 'ca-service').spec as Doc).ports[0].targetPort = 'metrics'), /targetPort metrics is not a port/],
    ['a reference to a missing Secret', (o) => void o.splice(o.indexOf(get(o, 'Secret', 'pki-secrets')), 1), /refers to Secret pki-secrets, which is not in the rendered set/],
    ['a reference to a missing key', (o) => void delete (get(o, 'Secret', 'pki-secrets').data as Doc).PKI_KEK, /key PKI_KEK of Secret pki-secrets, which has no such key/],
    ['a missing ConfigMap', (o) => void o.splice(o.indexOf(get(o, 'ConfigMap', 'pki-config')), 1), /refers to ConfigMap pki-config/],
    ['no default deny', (o) => void o.splice(o.indexOf(get(o, 'NetworkPolicy', 'default-deny')), 1), /no default-deny NetworkPolicy/],
    ['a pod no policy lets talk', (o) => void o.splice(o.indexOf(get(o, 'NetworkPolicy', 'services')), 1), /ca-service: no NetworkPolicy allows it/],
    ['no autoscaler in production', (o) => void o.splice(o.indexOf(get(o, 'HorizontalPodAutoscaler', 'issuance-service')), 1), /issuance-service: no HorizontalPodAutoscaler/],
    ['an autoscaler of nothing', (o) => void ((get(o, 'HorizontalPodAutoscaler', 'iot-registry').spec as Doc).scaleTargetRef.name = 'iot'), /scales Deployment iot/],
  ];

  it.each(cases)('policy: %s', (_what, breakIt, expected) => {
    const objects = production();
    breakIt(objects);
    const violations = policyViolations(objects, { drainSeconds: DRAIN_SECONDS, requireAutoscaling: true });
    expect(violations).toEqual(expect.arrayContaining([expect.stringMatching(expected)]));
  });

  it('schema: a misspelt field, a wrong type and a missing required member', () => {
    const objects = production();
    const gateway = get(objects, 'Deployment', 'api-gateway');
    container(gateway).readinessProbes = container(gateway).readinessProbe;
    const pdb = get(objects, 'PodDisruptionBudget', 'ca-service');
    (pdb.spec as Doc).maxUnavailable = { one: 1 };
    const service = get(objects, 'Service', 'issuance-service');
    delete (service.spec as Doc).ports[0].port;
    const errors = schemaErrors([gateway, pdb, service]).join('\n');
    expect(errors).toMatch(/Deployment api-gateway: .*readinessProbes.* does not exist/);
    expect(errors).toMatch(/PodDisruptionBudget ca-service: .*maxUnavailable/);
    expect(errors).toMatch(/Service issuance-service: .*port/);
  });

  it('schema: a kind without a schema is an error, not a pass', () => {
    expect(schemaErrors([{ apiVersion: 'v1', kind: 'Widget', metadata: { name: 'w' } }]).join('\n')).toMatch(/Widget/);
  });
});

describe('the renderer refuses what it does not implement', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(path.join(tmpdir(), 'pki-kustomize-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const DEPLOYMENT = `apiVersion: apps/v1
kind: Deployment
metadata: {name: app}
spec:
  selector: {matchLabels: {app: a}}
  template:
    metadata: {labels: {app: a}}
    spec:
      containers:
        - name: app
          image: app
          env: [{name: A, value: "1"}, {name: B, value: "2"}]
`;
  const write = (files: Record<string, string>) => {
    for (const [name, text] of Object.entries(files)) {
      mkdirSync(path.dirname(path.join(dir, name)), { recursive: true });
      writeFileSync(path.join(dir, name), text);
    }
  };
  const kustomization = (body: string) => `apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\n${body}`;

  it('applies resources, a strategic merge patch (containers and env by name), namespace, labels and images', () => {
    write({
      'app.yaml': DEPLOYMENT,
      'patch.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec:\n  template:\n    spec:\n      containers:\n        - name: app\n          env: [{name: B, value: "3"}, {name: C, value: "4"}]\n',
      'kustomization.yaml': kustomization('namespace: ns\nresources: [app.yaml]\npatches: [{path: patch.yaml}]\nlabels: [{pairs: {team: pki}, includeTemplates: true}]\nimages: [{name: app, newName: r.example/app, newTag: "1.2.3"}]\n'),
    });
    const [d] = renderKustomization(dir);
    expect(d!.metadata).toEqual({ name: 'app', namespace: 'ns', labels: { team: 'pki' } });
    const c = container(d!);
    expect(c.image).toBe('r.example/app:1.2.3');
    expect(c.env).toEqual([{ name: 'A', value: '1' }, { name: 'B', value: '3' }, { name: 'C', value: '4' }]);
    expect((d!.spec as Doc).template.metadata.labels).toEqual({ app: 'a', team: 'pki' });
    expect((d!.spec as Doc).selector).toEqual({ matchLabels: { app: 'a' } });
  });

  it.each([
    ['an unknown kustomization field', { 'kustomization.yaml': kustomization('resources: [app.yaml]\nreplicas: [{name: app, count: 2}]\n') }, /field "replicas" is not supported/],
    ['commonLabels', { 'kustomization.yaml': kustomization('resources: [app.yaml]\ncommonLabels: {a: b}\n') }, /field "commonLabels"/],
    ['a JSON 6902 patch', { 'p.yaml': '- op: add\n  path: /x\n  value: 1\n', 'kustomization.yaml': kustomization('resources: [app.yaml]\npatches: [{path: p.yaml}]\n') }, /JSON 6902/],
    ['a patch with a target', { 'kustomization.yaml': kustomization('resources: [app.yaml]\npatches: [{patch: "{}", target: {kind: Deployment}}]\n') }, /field "target"/],
    ['a patch of a list whose strategy is not implemented', { 'p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec: {template: {spec: {tolerations: []}}}\n', 'kustomization.yaml': kustomization('resources: [app.yaml]\npatches: [{path: p.yaml}]\n') }, /list "tolerations"/],
    ['a patch directive', { 'p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: app}\nspec: {$patch: replace}\n', 'kustomization.yaml': kustomization('resources: [app.yaml]\npatches: [{path: p.yaml}]\n') }, /directive \$patch/],
    ['a patch that matches nothing', { 'p.yaml': 'apiVersion: apps/v1\nkind: Deployment\nmetadata: {name: other}\n', 'kustomization.yaml': kustomization('resources: [app.yaml]\npatches: [{path: p.yaml}]\n') }, /matches 0 objects/],
    ['a generator with hash suffixes', { 'kustomization.yaml': kustomization('resources: [app.yaml]\nsecretGenerator: [{name: s, literals: [A=1]}]\n') }, /disableNameSuffixHash/],
    ['a generator from files', { 'kustomization.yaml': kustomization('generatorOptions: {disableNameSuffixHash: true}\nresources: [app.yaml]\nsecretGenerator: [{name: s, files: [a.txt]}]\n') }, /field "files"/],
    ['an object defined twice', { 'kustomization.yaml': kustomization('resources: [app.yaml, copy.yaml]\n'), 'copy.yaml': DEPLOYMENT }, /defined twice/],
    ['a kind it does not know the scope of', { 'kustomization.yaml': kustomization('resources: [app.yaml, role.yaml]\n'), 'role.yaml': 'apiVersion: rbac.authorization.k8s.io/v1\nkind: ClusterRole\nmetadata: {name: r}\n' }, /kind ClusterRole is not supported/],
    ['selector labels', { 'kustomization.yaml': kustomization('resources: [app.yaml]\nlabels: [{pairs: {a: b}, includeSelectors: true}]\n') }, /includeSelectors/],
    ['a remote resource', { 'kustomization.yaml': kustomization('resources: ["https://example.com/x.yaml"]\n') }, /local paths/],
  ])('%s', (_what, files, expected) => {
    write({ 'app.yaml': DEPLOYMENT, ...files });
    expect(() => renderKustomization(dir)).toThrow(expected);
  });
});
