/**
 * Review repro #11, inverted: a HardStop raised while Temporal is unreachable is no longer dropped
 * at shutdown. It is on disk (the session's HardStop journal) before anything else, shutdown names
 * the journal, and the next start latches at once and delivers it before it asks the session
 * anything. (From /work/shared/repros/hardstop-lost.test.ts; the process-level proof with a real
 * dev server is tests/integration/durable/temporal-down-ctrl-c.test.ts.)
 */
import { parse } from 'yaml';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { parseSessionConfig } from '../../src/config/session';
import { startHotPathWorker } from '../../workers/hotpath-worker';
import { loadTemporalYaml } from '../../src/config/temporal';
import { HardStopJournal } from '../../src/state/hardstop-journal';
import { setLogSink } from '../../src/util/log';
import { FakeWire } from '../unit/executor/harness';

const lines: string[] = [];
beforeAll(() => setLogSink({ write: (l) => void lines.push(l) }));
afterAll(() => setLogSink(undefined));

function fakeVenue() {
  return {
    connect: async () => {},
    meta: async () => ({ universe: [{ name: 'BTC', szDecimals: 5 }, { name: 'ETH', szDecimals: 4 }, { name: 'SOL', szDecimals: 2 }] }),
    userFeed: (_u: string, h: any) => {
      setTimeout(() => {
        h.onSocketState({ up: true, at: Date.now() });
        h.onPositions({ positions: [{ coin: 'BTC', szi: '0.5' }], at: Date.now() });
      }, 5);
      return { stop() {} };
    },
    socketUp: () => true,
    openOrders: async () => [],
    clearinghouseState: async () => ({ assetPositions: [] }),
    close: async () => {},
    post: () => new Promise(() => {}),
  } as any;
}

test('Ctrl+C-style HardStop during a Temporal outage: journalled, named at shutdown, latched and delivered first at the next start', async () => {
  const stateDir = fs.mkdtempSync(path.join(os.tmpdir(), 'hlx-journal-'));
  const raw = parse(fs.readFileSync(path.join(__dirname, '../../config/session.example.yaml'), 'utf8'));
  const cfg = parseSessionConfig(raw);
  let signalAttempts = 0;
  const down = () => Promise.reject(new Error('14 UNAVAILABLE: connect ECONNREFUSED'));
  const downClient: any = {
    workflow: {
      start: down,
      signalWithStart: () => (signalAttempts++, down()),
      executeUpdateWithStart: down,
      getHandle: () => ({ describe: down, query: down, signal: down }),
    },
  };
  const w = await startHotPathWorker({ config: cfg, client: downClient, venue: fakeVenue(), wire: new FakeWire(), temporal: loadTemporalYaml(), phasePollMs: 100, stateDir });
  w.hardStop('Operator', 'ctrl-c');
  expect(w.hotPath().latch.isTriggered()).toBe(true);
  // on disk before anything else: synchronously, inside the trigger
  const journal = new HardStopJournal(w.sessionId, stateDir);
  expect(journal.pending()).toEqual([expect.objectContaining({ reason: 'Operator', source: 'ctrl-c' })]);
  await new Promise((r) => setTimeout(r, 1500));
  await w.shutdown();
  await new Promise((r) => setTimeout(r, 300));
  expect(signalAttempts).toBeGreaterThan(0);
  // not silently: shutdown names the journal that keeps it
  const said = lines.filter((l) => l.includes('NOT acknowledged by Temporal') && l.includes(journal.file));
  expect(said.length).toBe(1);
  expect(journal.pending()).toHaveLength(1);

  // the next start, Temporal up: latched before anything, the HardStop is the first call made
  const calls: string[] = [];
  let phase = 'READY_TRADING';
  const state = () => ({ phase, resumes: [{ note: 'old', at: 1 }], hardStop: phase === 'READY_TRADING' ? undefined : { reason: 'Operator' }, positions: [] });
  const upClient: any = {
    workflow: {
      start: async () => void calls.push('start'),
      signalWithStart: async (_t: string, o: any) => {
        calls.push(`signal:${o.signalArgs[0].reason}:${o.signalArgs[0].journalId}`);
        phase = 'FLATTENING';
      },
      executeUpdateWithStart: async () => (calls.push('ready'), state()),
      // describe: the gate's poll asks it first; the history grows with every call here, so it queries too
      getHandle: () => ({ describe: async () => ({ historyLength: calls.length, runId: 'r' }), query: async () => (calls.push('query'), state()), signal: async () => void calls.push('notReady') }),
    },
  };
  const w2 = await startHotPathWorker({ config: cfg, client: upClient, venue: fakeVenue(), wire: new FakeWire(), temporal: loadTemporalYaml(), phasePollMs: 50, stateDir });
  expect(w2.hotPath().latch.isTriggered()).toBe(true);
  expect(w2.hotPath().latch.record()).toMatchObject({ reason: 'Operator', source: 'ctrl-c' });
  await new Promise((r) => setTimeout(r, 600));
  const firstSessionCall = calls.find((c) => c !== 'start');
  expect(firstSessionCall).toMatch(/^signal:Operator:/);
  expect(calls.filter((c) => c.startsWith('signal:'))).toHaveLength(1);
  // the old resume on the session must not rebuild the latched hot path into a trading one
  expect(w2.hotPath().latch.isTriggered()).toBe(true);
  expect(w2.hotPath().readiness.tradingAllowed).toBe(false);
  expect(journal.pending()).toEqual([]);
  await w2.shutdown();
  fs.rmSync(stateDir, { recursive: true, force: true });
}, 30_000);
