/**
 * Child process of bench/fleet.bench.ts: several hot-path workers packed in one Node process
 * (one process per session does not fit 40 sessions on 2 cores: ~100 MB and a tsx start each).
 * Each runs the production startHotPathWorker (its own WebSocket, market state, gates, strategy
 * and Temporal worker on its own task queue); the sessions of one account share a nonce sequence
 * (one signer in this process). Client calls to Temporal are counted by kind with a client
 * interceptor. Reads its spec from the file named by FLEET_SPEC; talks to the parent over IPC:
 *   → {type:'up', sessions, rssBaseline, rss, heapUsed}   ← {type:'counts'} → {type:'counts', counts}
 *   ← {type:'stop'} → shuts down, exits 0
 */
import * as fs from 'node:fs';
import { Client, type WorkflowClientInterceptor } from '@temporalio/client';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { parseSessionConfig, type SessionConfigInput } from '../src/config/session';
import { NonceManager } from '../src/exchange/hyperliquid/nonce';
import { Signer } from '../src/exchange/hyperliquid/signer';
import { VenueClient } from '../src/exchange/hyperliquid/venue-client';
import { setLogSink } from '../src/util/log';
import { startHotPathWorker, type HotPathWorker } from '../workers/hotpath-worker';
import { createWireFor } from '../workers/venue-port';
import type { TaskQueues } from '../workers/session-client';
import { connectClosable } from '../src/temporal/closable-connection';

export interface ChildSpec {
  address: string;
  namespace: string;
  queues: TaskQueues;
  accounts: { privateKey: string; sessions: SessionConfigInput[] }[];
}

async function main(): Promise<void> {
  const spec = JSON.parse(fs.readFileSync(process.env.FLEET_SPEC!, 'utf8')) as ChildSpec;
  const errors: string[] = [];
  setLogSink({ write: (l) => void (/ (ERROR|WARN) /.test(l) && errors.length < 200 && errors.push(l)) });
  Runtime.install({ logger: new DefaultLogger('ERROR'), shutdownSignals: [] });
  const counts: Record<string, number> = {};
  const count = (k: string) => (counts[k] = (counts[k] ?? 0) + 1);
  const counter: WorkflowClientInterceptor = {
    query: (i, next) => (count('query'), next(i)),
    describe: (i, next) => (count('describe'), next(i)),
    signal: (i, next) => (count('signal'), next(i)),
    signalWithStart: (i, next) => (count('signalWithStart'), next(i)),
    start: (i, next) => (count('start'), next(i)),
    startWithDetails: (i, next) => (count('start'), next(i)),
    startUpdate: (i, next) => (count('update'), next(i)),
    startUpdateWithStart: (i, next) => (count('updateWithStart'), next(i)),
  };
  const connection = await connectClosable({ address: spec.address });
  const native = await NativeConnection.connect({ address: spec.address });
  const client = new Client({ connection, namespace: spec.namespace, interceptors: { workflow: [counter] } });
  global.gc?.();
  const rssBaseline = process.memoryUsage().rss;
  const workers: HotPathWorker[] = [];
  // one after the other: a burst of connects on a loaded machine times sockets out
  for (const a of spec.accounts) {
    const signer = Signer.fromPrivateKey(a.privateKey);
    const nonces = new NonceManager();
    for (const raw of a.sessions) {
      const config = parseSessionConfig(raw);
      const venue = VenueClient.fromEndpoints({ httpUrl: config.venue.httpUrl!, wsUrl: config.venue.wsUrl!, isMainnet: false });
      workers.push(
        await startHotPathWorker({ config, client, connection: native, namespace: spec.namespace, queues: spec.queues, venue, wire: await createWireFor(config, signer, nonces) }),
      );
    }
  }
  const mem = () => {
    const m = process.memoryUsage();
    return { rss: m.rss, heapUsed: m.heapUsed };
  };
  process.send!({ type: 'up', sessions: workers.map((w) => w.sessionId), rssBaseline, ...mem() });
  process.on('message', (m: { type?: string }) => {
    if (m?.type === 'counts') process.send!({ type: 'counts', counts: { ...counts }, ...mem(), errors: errors.slice(-20) });
    if (m?.type === 'stop') {
      void (async () => {
        await Promise.all(workers.map((w) => w.shutdown().catch(() => {})));
        await connection.close().catch(() => {});
        await native.close().catch(() => {});
        process.exit(0);
      })();
    }
  });
}

main().catch((e) => {
  console.error(`fleet-hotpaths: ${(e as Error).stack ?? e}`);
  process.exit(1);
});
