#!/usr/bin/env node
// Entry point for `npx hlx`: runs the TypeScript CLI through tsx so no build step is needed.
const path = require('node:path');
const { spawnSync } = require('node:child_process');
const cli = path.join(__dirname, '..', 'src', 'cli', 'hlx.ts');
const tsx = require.resolve('tsx/cli');
const r = spawnSync(process.execPath, [tsx, cli, ...process.argv.slice(2)], { stdio: 'inherit' });
process.exit(r.status === null ? 1 : r.status);
