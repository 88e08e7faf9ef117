/**
 * `hlx demo` (`make demo`): the whole product on the embedded default, in about a minute.
 *
 *   Temporal dev server (Web UI on 127.0.0.1:8233) → simulator → stop worker → hot-path worker
 *   → the demo strategy trades BTC/ETH/SOL → Go/No-Go at 10 trades → scripted SOL shock → the
 *   RiskMonitor sees a slippage anomaly → HardStop → cancel, flatten, flat confirmed from the venue
 *   → the stop's timeline and its link in the UI → everything started is stopped, exit 0.
 *
 * `hlx demo --run --config FILE` (`make run`): the same bring-up with an operator's config and no
 * script: it trades until Ctrl+C (first = HardStop and wait for flat, second = exit now).
 *
 * Everything runs in this process except the Temporal server; worker and venue logs go to
 * .run/demo.log so the terminal shows the live view.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { Wallet } from 'ethers';
import { DefaultLogger, NativeConnection, Runtime } from '@temporalio/worker';
import { Client } from '@temporalio/client';
import { CliError } from '../errors';
import { parseFlags, IntFlag, wantsHelp } from '../operator-args';
import { StatusView } from '../status-view';
import { buildSnapshot } from '../session-target';
import { historySteps, renderTimeline, type TimelineStep } from '../demo/timeline';
import { loadSessionConfig, parseSessionConfig, type SessionConfig } from '../../config/session';
import { loadTemporalYaml, PROJECT_ROOT } from '../../config/temporal';
import { startDevServer, type DevServer } from '../../temporal/devserver';
import { captureWorkflowPage } from '../../temporal/ui-capture';
import { setLogSink, createLogger } from '../../util/log';
import type { RunningSimulator } from '../../sim';
import type { HotPathWorker } from '../../../workers/hotpath-worker';
import type { StopWorkerHandle } from '../../../workers/stop-worker';
import { stateQuery, type SessionState } from '../../../workflows/messages';
import { STOPPED_PHASES } from '../../orchestration/session-machine';
import { isZeroSize } from '../../orchestration/stop-plan';
import { connectClosable } from '../../temporal/closable-connection';

export const summary = 'the demo on the embedded default (--keep, --screenshot FILE); --run --config FILE = an open-ended session';

const USAGE = 'usage: hlx demo [--keep] [--screenshot FILE] [--seed N] | hlx demo --run [--config FILE]';

/** the market the script shocks, and how: a −3 % gap with IOC fills walking 150 bps through the book */
const SHOCK = { coin: 'SOL', pct: -3, ioSlippageBps: 150 };
/** the demo's scripted moment comes after this many closed trades (the first Go/No-Go checkpoint) */
const SHOCK_AFTER_TRADES = 10;

class Progress {
  private readonly t0 = Date.now();
  step(msg: string): void {
    process.stdout.write(`[${((Date.now() - this.t0) / 1000).toFixed(1).padStart(5)} s] ${msg}\n`);
  }
}

/** Things to stop, last started first; each stop is bounded and never throws. */
class Teardown {
  private readonly items: { what: string; stop: () => Promise<unknown> }[] = [];
  add(what: string, stop: () => Promise<unknown>): void {
    this.items.push({ what, stop });
  }
  async run(progress?: Progress): Promise<void> {
    for (const it of this.items.reverse()) {
      const t = new Promise((r) => setTimeout(r, 15_000, 'timeout'));
      const r = await Promise.race([it.stop().then(() => 'ok', (e: Error) => `error: ${e.message}`), t]);
      if (r !== 'ok') progress?.step(`stopping ${it.what}: ${r}`);
    }
    this.items.length = 0;
  }
}

function sleep(ms: number): Promise<void> {
  return new Promise((r) => setTimeout(r, ms));
}

async function until<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined> | T | undefined, everyMs = 100): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const v = await probe();
    if (v !== undefined) return v;
    if (Date.now() > end) throw new CliError(`${what}: not reached within ${Math.round(timeoutMs / 1000)} s (details in .run/demo.log)`, 1);
    await sleep(everyMs);
  }
}

/** The demo session: the example config on the simulator, a throwaway key, a session id unique to this run. */
function demoConfig(base: SessionConfig, account: string, sim: RunningSimulator, sessionId: string, scripted: boolean): SessionConfig {
  const onSim = { ...base, account: { address: account }, venue: { network: 'sim' as const, httpUrl: sim.httpUrl, wsUrl: sim.wsUrl }, signer: { privateKeyEnv: 'HL_PRIVATE_KEY' }, session: { id: sessionId } };
  if (!scripted) return parseSessionConfig(onSim, 'session config on the simulator'); // `make run`: the operator's thresholds as written
  return parseSessionConfig(
    {
      ...onSim,
      // marketable IOCs allowed to walk 3 % through mid (like the SDKs' "market" orders), so a
      // gap in the book shows up as slippage rather than as unfilled orders
      strategy: { ...base.strategy, kind: 'demo', aggressionBps: 300 },
      // the demo's round trips are coin flips that pay the spread and fees, so most close a few
      // cents down; the consecutive-loss limit is raised so the script's own moment (the shock)
      // is what stops it — every other threshold is the example's
      risk: { ...base.risk, maxConsecutiveLosses: Math.max(base.risk.maxConsecutiveLosses, 30) },
    },
    'demo session config',
  );
}

/**
 * The script's moment. At an instant when no market holds a position and nothing is in flight,
 * gap SOL and make IOC fills walk through the book, and rest a post-only bid 2 % under the mid
 * (through the same gates as any signal). The next fill then OPENS a position with a slippage the
 * RiskMonitor cannot accept, so the stop has a resting order to cancel — the hot path's cancel is
 * on the wire within milliseconds of the trigger, before Temporal is involved — and a position to
 * flatten.
 */
async function scriptedShock(hp: HotPathWorker, sim: RunningSimulator, account: string, progress: Progress): Promise<void> {
  const { default: Decimal } = await import('decimal.js');
  const bidCoin = hp.input.markets.find((m) => m !== SHOCK.coin);
  let bid: { coin: string; size: string } | undefined;
  await until('a moment with every market flat', 30_000, () => {
    const st = hp.hotPath().status();
    if (st.pendingOrders !== 0 || !st.positions.every((p) => isZeroSize(p.szi))) return undefined;
    // the faults first, in this same turn: whatever fills next is an opening IOC
    sim.admin.ioSlippage(SHOCK.ioSlippageBps);
    sim.admin.shock(SHOCK.coin, SHOCK.pct);
    // the hot path's own market state: the venue's szDecimals and the mid it trades on
    const rec = bidCoin ? hp.hotPath().marketState.get(bidCoin) : undefined;
    const ref = rec?.midPx ?? rec?.markPx;
    if (bidCoin && rec && ref) {
      const px = new Decimal(ref).mul(0.98);
      const size = new Decimal(15).div(px).toDecimalPlaces(rec.szDecimals, Decimal.ROUND_UP).toFixed();
      if (hp.hotPath().submitSignal({ market: bidCoin, side: 'buy', size, limitPx: px.toFixed(), tif: 'Alo', reduceOnly: false }).status === 'Accepted') {
        bid = { coin: bidCoin, size };
      }
    }
    return true;
  }, 5);
  if (bid) {
    const b = bid;
    // resting, or already cancelled by a HardStop that came first: either way it was on the book
    await until(`the ${b.coin} bid reaching the venue`, 5_000, () => (sim.admin.state(account).openOrders.some((o) => o.coin === b.coin) || hp.hotPath().status().hardStop ? true : undefined), 2);
  }
  if (bid) progress.step(`scripted: a post-only ${bid.coin} bid for ${bid.size} rests 2 % under the mid (the stop will have it to cancel)`);
  progress.step(`scripted: the book thins — IOC fills walk ${SHOCK.ioSlippageBps} bps through it — and ${SHOCK.coin} gaps ${SHOCK.pct} %`);
}

export async function run(argv: string[]): Promise<number> {
  if (wantsHelp(argv)) {
    console.log(USAGE);
    return 0;
  }
  const o = parseFlags(
    argv,
    { keep: { type: 'boolean' }, screenshot: { type: 'string' }, seed: { type: 'string' }, run: { type: 'boolean' }, config: { type: 'string' } },
    z.object({
      keep: z.boolean().optional(),
      screenshot: z.string().min(1).optional(),
      seed: IntFlag(0).optional(),
      run: z.boolean().optional(),
      config: z.string().min(1).optional(),
    }),
    USAGE,
  );
  const configFile = path.resolve(o.config ?? path.join(PROJECT_ROOT, 'config', 'session.example.yaml'));
  // validate before anything starts: a typo is one line naming the field
  let base: SessionConfig;
  try {
    base = loadSessionConfig(configFile);
  } catch (e) {
    throw new CliError((e as Error).message);
  }

  const runDir = path.join(PROJECT_ROOT, '.run');
  fs.mkdirSync(runDir, { recursive: true });
  const logFile = path.join(runDir, 'demo.log');
  const logStream = fs.createWriteStream(logFile, { flags: 'w' });
  setLogSink({ write: (l) => void logStream.write(l + '\n') });
  const sdkLog = new DefaultLogger('WARN', (e) => void logStream.write(`${new Date(Number(e.timestampNanos / 1_000_000n)).toISOString()} ${e.level} temporal ${e.message}\n`));
  try {
    // our own Ctrl+C handling; native (core) logs forwarded to the same file, not the terminal
    Runtime.install({ shutdownSignals: [], logger: sdkLog, telemetryOptions: { logging: { filter: { core: 'WARN', other: 'ERROR' }, forward: {} } } });
  } catch {
    /* installed already (a test calling run twice) */
  }
  const log = createLogger('demo');
  const progress = new Progress();
  const teardown = new Teardown();
  let interrupted = 0;
  let interruptResolve: (() => void) | undefined;
  const interruptedP = new Promise<void>((r) => (interruptResolve = r));
  let firstSignalAt = 0;
  const onSignal = () => {
    // one Ctrl+C in a terminal reaches npx, tsx and node alike and the wrappers relay it: copies
    // within a second are the same keypress, not the operator's second one
    if (interrupted > 0 && Date.now() - firstSignalAt < 1_000) return;
    if (interrupted === 0) firstSignalAt = Date.now();
    interrupted++;
    if (interrupted > 1) {
      process.stdout.write('\nsecond Ctrl+C: exiting now\n');
      process.exit(130);
    }
    interruptResolve?.();
  };
  process.on('SIGINT', onSignal);
  process.on('SIGTERM', onSignal);

  let view: StatusView | undefined;
  try {
    const yaml = loadTemporalYaml();
    const queues = { ...yaml.taskQueues };

    // ---- Temporal ----
    progress.step(`starting the Temporal dev server on ${yaml.devServer.ip}:${yaml.devServer.port} (Web UI :${yaml.devServer.uiPort}, db ${yaml.devServer.dbFile})`);
    let server: DevServer;
    try {
      server = await startDevServer({
        port: yaml.devServer.port,
        uiPort: yaml.devServer.uiPort,
        dbFile: path.join(PROJECT_ROOT, yaml.devServer.dbFile),
        logFile: path.join(runDir, 'temporal-dev.log'),
        yaml,
      });
    } catch (e) {
      throw new CliError(
        `the Temporal dev server did not start: ${(e as Error).message}\n` +
          `  is another demo (KEEP=1) still running? stop it with Ctrl+C, or free ports ${yaml.devServer.port}/${yaml.devServer.uiPort}; server log: .run/temporal-dev.log`,
        1,
      );
    }
    teardown.add('Temporal dev server', () => server.stop());
    const uiUrl = `http://${yaml.devServer.ip}:${yaml.devServer.uiPort}`;
    const connection = await connectClosable({ address: server.address });
    const native = await NativeConnection.connect({ address: server.address });
    teardown.add('Temporal connections', async () => {
      await connection.close();
      await native.close();
    });
    const client = new Client({ connection, namespace: 'default' });

    // ---- the venue ----
    const isSim = base.venue.network === 'sim';
    let sim: RunningSimulator | undefined;
    let account: string;
    if (isSim) {
      // a throwaway key for the paper venue: generated here, held in this process only
      if (!process.env.HL_PRIVATE_KEY || !o.run) process.env.HL_PRIVATE_KEY = Wallet.createRandom().privateKey;
      const { Signer } = await import('../../exchange/hyperliquid/signer');
      account = Signer.fromEnv('HL_PRIVATE_KEY').address.toLowerCase();
      const { startSimulator } = await import('../../sim');
      sim = await startSimulator({ port: 0, seed: o.seed ?? 7, markets: base.markets, fund: { [account]: '10000' } });
      teardown.add('simulator', () => sim!.stop());
      progress.step(`simulator up: ${sim.httpUrl} (ws ${sim.wsUrl}, admin ${sim.adminUrl}); demo account ${account} funded with 10,000 USDC`);
    } else {
      account = base.account.address.toLowerCase();
      progress.step(`venue: Hyperliquid ${base.venue.network} as ${account}`);
    }
    const stamp = new Date().toISOString().replace(/[-:]/g, '').replace(/\..*$/, '').replace('T', '-');
    const cfg = isSim
      ? demoConfig(base, account, sim!, o.run ? base.session.id ?? `run-${stamp}` : `demo-${stamp}`, !o.run)
      : base;

    // ---- signer, nonces, venue clients (one nonce sequence shared by both workers in this process) ----
    const { signerFor, createVenueClient, createWireFor, venueEndpoints } = await import('../../../workers/venue-port');
    const signer = await signerFor(cfg);
    const { NonceManager } = await import('../../exchange/hyperliquid/nonce');
    const nonces = new NonceManager();
    const ep = venueEndpoints(cfg);

    // ---- stop worker (HTTP to the venue only) ----
    const { HttpClient } = await import('../../exchange/hyperliquid/http-client');
    const { createStopActivities } = await import('../../../activities/stop');
    const { startStopWorker } = await import('../../../workers/stop-worker');
    progress.step('bundling the workflows and starting the stop worker');
    const stopWorker: StopWorkerHandle = await startStopWorker({
      connection: native,
      namespace: 'default',
      queues,
      activities: createStopActivities({
        venue: new HttpClient(ep.httpUrl),
        signer,
        nonces,
        account: cfg.account.address,
        ...(cfg.venue.vaultAddress ? { vaultAddress: cfg.venue.vaultAddress } : {}),
        isMainnet: ep.isMainnet,
        log: log.child('stop'),
      }),
      account: cfg.account.address,
      ...(cfg.venue.vaultAddress ? { vaultAddress: cfg.venue.vaultAddress } : {}),
      workerSettings: yaml.worker,
    });
    teardown.add('stop worker', () => stopWorker.shutdown());

    // ---- hot-path worker ----
    const { startHotPathWorker } = await import('../../../workers/hotpath-worker');
    const venue = createVenueClient(cfg);
    progress.step(`starting the hot-path worker: ${cfg.markets.join(', ')}, strategy ${cfg.strategy.kind}`);
    const hp: HotPathWorker = await startHotPathWorker({
      config: cfg,
      client,
      connection: native,
      namespace: 'default',
      temporal: yaml,
      queues,
      venue,
      wire: await createWireFor(cfg, signer, nonces),
      log: log.child('hotpath'),
    });
    teardown.add('hot-path worker', () => hp.shutdown());
    const session = client.workflow.getHandle(hp.sessionId);
    progress.step(`session ${hp.sessionId}: ${uiUrl}/namespaces/default/workflows/${encodeURIComponent(hp.sessionId)}`);

    // ---- live view ----
    let state: SessionState | null = null;
    const snapshot = () => {
      const hot = JSON.parse(JSON.stringify({ ...hp.hotPath().status(), sessionId: hp.sessionId, pid: process.pid, at: Date.now() }));
      return buildSnapshot(hp.sessionId, state, hot);
    };
    view = new StatusView(process.stdout, { maxEvents: 8 });
    const refresh = async () => {
      state = await session.query(stateQuery).catch(() => state);
      view?.update(snapshot());
    };
    const viewTimer = setInterval(() => void refresh(), 250);
    teardown.add('live view', async () => clearInterval(viewTimer));

    await until('the session reaching READY_TRADING', 30_000, async () => {
      await refresh();
      return hp.hotPath().status().ready && state?.phase === 'READY_TRADING' ? true : undefined;
    });

    if (o.run) {
      // an open-ended session: trade until Ctrl+C (or a HardStop from anywhere)
      await Promise.race([interruptedP, until('a stop', 365 * 86_400_000, () => (hp.hotPath().status().hardStop ? true : undefined), 250)]);
      if (!hp.hotPath().status().hardStop) hp.hardStop('Operator', 'ctrl-c');
    } else {
      // ---- the script: trade until the first Go/No-Go checkpoint, then shock SOL ----
      await Promise.race([
        interruptedP.then(() => {
          throw new CliError('interrupted', 130);
        }),
        until(`${SHOCK_AFTER_TRADES} closed trades and the Go/No-Go verdict`, 90_000, async () => {
          const s = hp.hotPath().status();
          if (s.hardStop) return true; // stopped early by a real trigger: show that stop instead
          return s.risk.closedTrades >= SHOCK_AFTER_TRADES && (state?.checkpoints.length ?? 0) > 0 ? true : undefined;
        }, 200),
      ]);
      view.close();
      const cp = state!.checkpoints[0];
      if (cp) progress.step(`Go/No-Go at ${cp.checkpoint} trades: ${cp.effectiveVerdict} (mean edge ${cp.figures.meanEdgeBps} bps, mean slippage ${cp.figures.meanSlippageBps} bps, pnl ${cp.figures.pnlCumulativeUsd} USD)`);
      if (hp.hotPath().status().hardStop) {
        progress.step(`a HardStop fired before the script's moment: ${hp.hotPath().status().hardStop!.reason}`);
      } else {
        await scriptedShock(hp, sim!, account, progress);
      }
      view = new StatusView(process.stdout, { maxEvents: 8 });
    }

    // ---- the stop ----
    const rec = await until('a HardStop', 60_000, () => hp.hotPath().status().hardStop ?? undefined, 20);
    const trigger = { reason: rec.reason, at: rec.at };
    const final = await until('the stop sequence ending', 60_000, async () => {
      await refresh();
      return state && STOPPED_PHASES.includes(state.phase) ? state : undefined;
    }, 100);
    view.close();
    view = undefined;
    progress.step(`HardStop(${trigger.reason}) → ${final.phase}`);

    // ---- what the venue says ----
    if (sim) {
      const truth = sim.admin.state(account);
      const open = truth.positions.filter((p) => !isZeroSize(p.szi));
      progress.step(`venue: ${open.length === 0 ? 'every position 0' : `positions left: ${open.map((p) => `${p.coin} ${p.szi}`).join(', ')}`}, ${truth.openOrders.length} open orders, pnl ${truth.realizedPnl} USD, fees ${truth.feesPaid} USD`);
      if (final.phase === 'STOPPED_FLAT' && (open.length || truth.openOrders.length)) throw new CliError('the workflow says flat but the venue does not agree', 1);
    }

    // ---- the timeline ----
    const stop = final.stops[final.stops.length - 1];
    const steps: TimelineStep[] = [{ at: trigger.at, what: `HardStop(${trigger.reason}) latched in the hot path` }];
    const ev = hp.hotPath().status().lastEvents;
    const firstCancel = ev.find((e) => e.type === 'posted' && e.kind === 'cancel' && e.at >= trigger.at);
    steps.push(firstCancel ? { at: firstCancel.at, what: `first cancel on the wire (${firstCancel.type === 'posted' ? firstCancel.count : 0} orders)` } : { at: trigger.at, what: 'no open order to cancel in the hot path' });
    const sessionHistory = await session.fetchHistory();
    const signals = historySteps(sessionHistory.events ?? [], 'session').filter((s) => s.what.includes('signal hardStop') && s.at >= trigger.at - 1000);
    if (signals[0]) steps.push(signals[0]);
    let stopSteps: TimelineStep[] = [];
    if (stop) {
      const h = await client.workflow.getHandle(stop.workflowId).fetchHistory();
      stopSteps = historySteps(h.events ?? [], `stop sequence ${stop.workflowId}`);
      steps.push(...stopSteps);
    }
    const stopUrl = stop ? `${uiUrl}/namespaces/default/workflows/${encodeURIComponent(stop.workflowId)}` : undefined;
    process.stdout.write(['', `Timeline of the stop (relative to the trigger):`, ...renderTimeline(trigger.at, steps), ''].join('\n') + '\n');
    if (stopUrl) process.stdout.write(`The stop sequence in the Temporal UI: ${stopUrl}\n`);

    if (o.screenshot && stop) {
      const shot = await captureWorkflowPage({
        uiUrl,
        namespace: 'default',
        workflowId: stop.workflowId,
        // the activity summaries exactly as the history holds them
        expectTexts: [...new Set(stopSteps.filter((s) => s.tookMs !== undefined).map((s) => s.what.replace(/ \((failed|timed out).*$/, '')))].slice(0, 5),
        out: path.resolve(o.screenshot),
      });
      progress.step(`UI check: ${shot.missing.length ? `MISSING ${shot.missing.join(' | ')}` : 'the step summaries are on the page'}; screenshot ${path.relative(process.cwd(), shot.screenshot)}`);
      if (shot.missing.length) throw new CliError('the Temporal UI did not show the stop sequence step summaries', 1);
    }

    if (o.keep) {
      progress.step(`KEEP: the Temporal server and its Web UI stay up at ${uiUrl} — press Ctrl+C to stop everything`);
      await interruptedP;
    }
    return final.phase === 'STOPPED_FLAT' ? 0 : 1;
  } finally {
    view?.close();
    process.stdout.write('stopping everything the demo started…\n');
    await teardown.run(progress);
    process.off('SIGINT', onSignal);
    process.off('SIGTERM', onSignal);
    setLogSink(undefined);
    await new Promise((r) => logStream.end(r));
    process.stdout.write(`done. logs: ${path.relative(process.cwd(), logFile)}\n`);
  }
}
