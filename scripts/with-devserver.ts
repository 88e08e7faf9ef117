/**
 * `tsx scripts/with-devserver.ts -- CMD ARGS…`: starts a Temporal dev server on a free loopback
 * port, runs CMD with TEMPORAL_ADDRESS / TEMPORAL_NAMESPACE / HLX_TEMPORAL_CLI pointing at it,
 * and stops the server whatever happened (exit, failure, Ctrl+C). Exits with CMD's code.
 */
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { PROJECT_ROOT } from '../src/config/temporal';
import { startDevServer, TEMPORAL_CLI } from '../src/temporal/devserver';

async function main(): Promise<number> {
  const sep = process.argv.indexOf('--');
  const cmd = sep >= 0 ? process.argv.slice(sep + 1) : [];
  if (cmd.length === 0) {
    console.error('usage: tsx scripts/with-devserver.ts -- COMMAND [ARGS…]');
    return 2;
  }
  const runDir = path.join(PROJECT_ROOT, '.run', `test-${process.pid}`);
  fs.mkdirSync(runDir, { recursive: true });
  process.stdout.write('==> starting Temporal dev server (headless, loopback) … ');
  const t0 = Date.now();
  const server = await startDevServer({ dbFile: path.join(runDir, 'temporal.db'), logFile: path.join(runDir, 'temporal.log') });
  console.log(`healthy at ${server.address} in ${Date.now() - t0} ms`);
  let stopping = false;
  const cleanup = async () => {
    if (stopping) return;
    stopping = true;
    await server.stop();
    fs.rmSync(runDir, { recursive: true, force: true });
  };
  const child = spawn(cmd[0], cmd.slice(1), {
    stdio: 'inherit',
    env: {
      ...process.env,
      TEMPORAL_ADDRESS: server.address,
      TEMPORAL_NAMESPACE: 'default',
      HLX_TEMPORAL_PROFILE: 'local',
      HLX_TEMPORAL_CLI: TEMPORAL_CLI,
    },
  });
  for (const sig of ['SIGINT', 'SIGTERM'] as const) {
    process.on(sig, () => child.kill(sig));
  }
  const code: number = await new Promise((resolve) => child.on('exit', (c, s) => resolve(c ?? (s ? 130 : 1))));
  await cleanup();
  console.log('==> Temporal dev server stopped');
  return code;
}

main().then(
  (code) => process.exit(code),
  (err) => {
    console.error(`error: ${(err as Error).message}`);
    process.exit(1);
  },
);
