#!/usr/bin/env node
// Runs one compiled app: `node tools/run-service.js <app>` (after `npm run build`).
const { spawn } = require('node:child_process');
const path = require('node:path');
const fs = require('node:fs');

const app = process.argv[2];
const root = path.resolve(__dirname, '..');
const main = path.join(root, 'dist', 'apps', app || '', 'src', 'main.js');
if (!app || !fs.existsSync(main)) {
  console.error(`usage: node tools/run-service.js <app>  (and run \`npm run build\` first; ${main} is missing)`);
  process.exit(2);
}
const child = spawn(process.execPath, ['-r', path.join(__dirname, 'dist-paths.js'), main], { stdio: 'inherit', env: process.env });
for (const signal of ['SIGINT', 'SIGTERM']) process.on(signal, () => child.kill(signal));
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
