#!/usr/bin/env node
// Runs the whole stack from dist/ (the README's run line builds first): the five services,
// each with its own health port, then the gateway. Output lines are prefixed with the app.
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

for (const [app, healthPort] of apps) {
  const env = { ...process.env };
  // Each service gets its own health port (8081-8085, or PKI_HEALTH_PORT_<APP> to override).
  if (healthPort !== undefined) env.PKI_HEALTH_PORT = env[`PKI_HEALTH_PORT_${app.toUpperCase().replace(/-/g, '_')}`] || String(healthPort);
  const child = spawn(process.execPath, ['-r', path.join(__dirname, 'dist-paths.js'), path.join(root, 'dist', 'apps', app, 'src', 'main.js')], {
    env,
    stdio: ['ignore', 'pipe', 'pipe'],
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
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => stopAll(0));
