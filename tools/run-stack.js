#!/usr/bin/env node
// Runs the whole stack from dist/ (the README's run line builds first): the five services,
// each with its own health port, then the gateway (with development gRPC credentials, below).
// Output lines are prefixed with the app.
// Ctrl-C / SIGTERM stops every app gracefully; if one app dies, the others are stopped too.
const { spawn } = require('node:child_process');
const path = require('node:path');
const readline = require('node:readline');

const root = path.resolve(__dirname, '..');
const apps = [
  ['ca-service', 8081],
  ['issuance-service', 8082],
  ['revocation-service', 8083],
  ['iot-registry', 8084],
  ['directory-certs', 8085],
  ['api-gateway', undefined],
];
const children = new Map();
let stopping = false;

function stopAll(code) {
  if (stopping) return;
  stopping = true;
  for (const child of children.values()) child.kill('SIGTERM');
  const timer = setTimeout(() => {
    for (const child of children.values()) child.kill('SIGKILL');
  }, 15000);
  timer.unref();
  process.exitCode = code;
}

function startApp(app, healthPort) {
  const env = { ...process.env };
  // The apps' stdout is a pipe to this launcher: at a terminal, they print human-readable lines.
  if (process.stdout.isTTY && env.PKI_LOG_PRETTY === undefined) env.PKI_LOG_PRETTY = '1';
  // The gateway's gRPC listener has no unauthenticated mode: in development it issues itself a
  // server certificate and a client certificate for the default account from the platform's own
  // development trust CA, and writes ca.pem, client.pem and client.key to PKI_GRPC_DEV_DIR
  // (.data/grpc). Not when the environment chose already (PKI_GRPC_DEV_CREDENTIALS set, or a
  // certificate of its own in PKI_GRPC_TLS_CERT), nor with NODE_ENV=production, which refuses it.
  if (app === 'api-gateway' && env.PKI_GRPC_DEV_CREDENTIALS === undefined && !env.PKI_GRPC_TLS_CERT && env.NODE_ENV !== 'production') {
    env.PKI_GRPC_DEV_CREDENTIALS = '1';
  }
  // Each service gets its own health port (8081-8085, or PKI_HEALTH_PORT_<APP> to override).
  if (healthPort !== undefined) env.PKI_HEALTH_PORT = env[`PKI_HEALTH_PORT_${app.toUpperCase().replace(/-/g, '_')}`] || String(healthPort);
  const child = spawn(process.execPath, ['-r', path.join(__dirname, 'dist-paths.js'), path.join(root, 'dist', 'apps', app, 'src', 'main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
    // Own process group: Ctrl-C reaches only this launcher, which stops each app once with
    // SIGTERM (a second signal would make an app exit without waiting for in-flight work).
    detached: true,
  });
  children.set(app, child);
  for (const stream of [child.stdout, child.stderr]) {
    readline.createInterface({ input: stream }).on('line', (line) => console.log(`${app.padEnd(18)} | ${line}`));
  }
  child.on('exit', (code, signal) => {
    children.delete(app);
    console.log(`${app.padEnd(18)} | exited (${signal ?? code})`);
    if (!stopping) stopAll(code || 1);
    if (children.size === 0) process.exit(process.exitCode ?? 0);
  });
}

async function ready(port) {
  try {
    return (await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(2000) })).ok;
  } catch {
    return false;
  }
}

// The services first (each migrates its schema), the gateway once they all answer ready, so
// the first request through the gateway finds every service listening.
async function main() {
  const services = apps.filter(([, port]) => port !== undefined);
  for (const [app, port] of services) startApp(app, port);
  const deadline = Date.now() + 180_000;
  for (const [app, port] of services) {
    const effective = Number(process.env[`PKI_HEALTH_PORT_${app.toUpperCase().replace(/-/g, '_')}`] || port);
    while (!stopping && !(await ready(effective))) {
      if (Date.now() > deadline) {
        console.error(`${app} did not become ready within 180 s`);
        stopAll(1);
        return;
      }
      await new Promise((resolve) => setTimeout(resolve, 250));
    }
  }
  if (stopping) return;
  startApp('api-gateway', undefined);
  const gatewayPort = Number(process.env.PKI_HTTP_PORT || 4566);
  while (!stopping && !(await ready(gatewayPort))) await new Promise((resolve) => setTimeout(resolve, 250));
  if (!stopping) console.log(`stack ready: AWS endpoint http://${process.env.PKI_HTTP_HOST || '127.0.0.1'}:${gatewayPort}`);
}

for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopAll(0));
main().catch((error) => {
  console.error(error);
  stopAll(1);
});
