/**
 * A chaos schedule: everything one run does, drawn from its seed and nothing else, so
 * `hlx chaos --seed S --seeds 1` replays the same faults at the same offsets with the same
 * session parameters. Pure: no clock, no Math.random.
 */
import { Rng, deriveSeed } from '../sim/rng';

/** Faults the runner knows how to apply (src/chaos/faults.ts). */
export const FAULT_KINDS = [
  'dropSockets',
  'silence',
  'http429',
  'latency',
  'partialFills',
  'duplicateFills',
  'reorderFills',
  'rejectBurst',
  'priceShock',
  'priceGap',
  'thinBook',
  'killHotPath',
  'killStopWorker',
  'restartTemporal',
  'hardStop',
  'hardStopDuringReconnect',
  'hardStopDuringResume',
  'hardStopDuringStop',
  'resume',
] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];

/** Where an operator HardStop comes from. The RiskMonitor's own triggers come from the thresholds below. */
export const HARDSTOP_SOURCES = ['cli', 'temporal-cli', 'ctrl-c'] as const;
export type HardStopSource = (typeof HARDSTOP_SOURCES)[number];

export interface FaultEvent {
  /** offset from the start of the active window, ms */
  at: number;
  kind: FaultKind;
  /** 0 or 1: which of the two accounts (faults of the venue or of Temporal hit both) */
  account?: number;
  params: Record<string, number | string | boolean>;
}

/** Per-account session parameters: thresholds low enough that the RiskMonitor fires on its own. */
export interface AccountPlan {
  holdMs: number;
  cooldownMs: number;
  aggressionBps: number;
  orderNotionalUsd: string;
  maxNotionalPerMarketUsd: string;
  maxNotionalTotalUsd: string;
  maxCumulativeLossUsd: string;
  maxConsecutiveLosses: number;
  rejectBurstCount: number;
  maxFillSlippageBps: number;
  maxDisconnectMs: number;
}

export interface Schedule {
  seed: number;
  /** the simulator's own seed (price path, depth) */
  simSeed: number;
  activeMs: number;
  accounts: [AccountPlan, AccountPlan];
  events: FaultEvent[];
}

/** Relative weights of the faults drawn for the active window. */
const WEIGHTS: Record<FaultKind, number> = {
  dropSockets: 5,
  silence: 3,
  http429: 4,
  latency: 3,
  partialFills: 3,
  duplicateFills: 4,
  reorderFills: 3,
  rejectBurst: 3,
  priceShock: 3,
  priceGap: 2,
  thinBook: 3,
  killHotPath: 4,
  killStopWorker: 3,
  restartTemporal: 1,
  hardStop: 5,
  hardStopDuringReconnect: 2,
  hardStopDuringResume: 2,
  hardStopDuringStop: 2,
  resume: 6,
};

const COINS = ['BTC', 'ETH', 'SOL'] as const;

function pick<T>(rng: Rng, xs: readonly T[]): T {
  return xs[Math.min(xs.length - 1, Math.floor(rng.next() * xs.length))]!;
}

function weighted(rng: Rng): FaultKind {
  const total = FAULT_KINDS.reduce((s, k) => s + WEIGHTS[k], 0);
  let x = rng.next() * total;
  for (const k of FAULT_KINDS) {
    x -= WEIGHTS[k];
    if (x < 0) return k;
  }
  return FAULT_KINDS[FAULT_KINDS.length - 1]!;
}

function accountPlan(rng: Rng): AccountPlan {
  return {
    holdMs: rng.int(400, 2_000),
    cooldownMs: rng.int(200, 1_200),
    aggressionBps: rng.int(30, 120),
    orderNotionalUsd: '15',
    // one open position per market fits (15 < 24); a second one in the same market would not
    maxNotionalPerMarketUsd: '24',
    // two markets at once fit, the third does not: the total gate is exercised on every run
    maxNotionalTotalUsd: '40',
    maxCumulativeLossUsd: pick(rng, ['0.05', '0.15', '0.5', '1000']),
    maxConsecutiveLosses: pick(rng, [3, 6, 1000]),
    rejectBurstCount: pick(rng, [3, 5, 1000]),
    maxFillSlippageBps: pick(rng, [80, 150, 5000]),
    maxDisconnectMs: pick(rng, [1_500, 4_000, 60_000]),
  };
}

function paramsFor(kind: FaultKind, rng: Rng): Record<string, number | string | boolean> {
  switch (kind) {
    case 'silence':
      return { ms: rng.int(300, 3_000) };
    case 'http429':
      return { n: rng.int(3, 25) };
    case 'latency':
      return { ms: rng.int(50, 800), forMs: rng.int(1_000, 4_000) };
    case 'partialFills':
      return { fraction: pick(rng, [0.25, 0.5, 0.8]), forMs: rng.int(1_000, 5_000) };
    case 'duplicateFills':
    case 'reorderFills':
      return { forMs: rng.int(1_000, 6_000) };
    case 'rejectBurst':
      return { n: rng.int(1, 6), error: pick(rng, ['Insufficient margin to place order.', 'Order has invalid price.', 'Order could not immediately match against any resting orders.']) };
    case 'priceShock':
      return { coin: pick(rng, COINS), pct: pick(rng, [-4, -2, -1, 1, 2, 4]) };
    case 'priceGap':
      return { coin: pick(rng, COINS), pct: pick(rng, [-8, -5, 5, 8]) };
    case 'thinBook':
      return { bps: rng.int(40, 250), forMs: rng.int(1_000, 4_000) };
    case 'killHotPath':
      return { restartAfterMs: rng.int(500, 4_000) };
    case 'killStopWorker':
      return { restartAfterMs: rng.int(500, 5_000) };
    case 'restartTemporal':
      return { downMs: rng.int(200, 2_000) };
    case 'hardStop':
      return { source: pick(rng, HARDSTOP_SOURCES) };
    // the "during" faults signal from the runner's own client (source temporal-ui) for their
    // timing; the first draw is kept (and unused) so every seed keeps the schedule it had
    case 'hardStopDuringReconnect':
      pick(rng, ['cli', 'temporal-cli'] as const);
      return { delayMs: rng.int(0, 400) };
    case 'hardStopDuringResume':
      pick(rng, ['cli', 'temporal-cli'] as const);
      return { delayMs: rng.int(0, 500) };
    case 'hardStopDuringStop': {
      pick(rng, ['cli', 'temporal-cli'] as const);
      const second = pick(rng, ['temporal-ui', 'temporal-ui', 'ctrl-c'] as const);
      return { second, delayMs: rng.int(50, 1_500) };
    }
    case 'resume':
      return { waitMs: rng.int(0, 5_000) };
    case 'dropSockets':
      return {};
  }
}

const TARGETED: ReadonlySet<FaultKind> = new Set(['killHotPath', 'killStopWorker', 'hardStop', 'hardStopDuringReconnect', 'hardStopDuringResume', 'hardStopDuringStop', 'resume']);

export interface ScheduleOptions {
  /** length of the active window, ms (faults are drawn inside it) */
  activeMs?: number;
}

export function generateSchedule(seed: number, opts: ScheduleOptions = {}): Schedule {
  const rng = new Rng(deriveSeed(seed, 'chaos-schedule'));
  const activeMs = opts.activeMs ?? 20_000;
  const accounts: [AccountPlan, AccountPlan] = [accountPlan(rng), accountPlan(rng)];
  const n = rng.int(6, 12);
  const events: FaultEvent[] = [];
  let temporalRestarts = 0;
  for (let i = 0; i < n; i++) {
    let kind = weighted(rng);
    // a Temporal restart costs seconds of bring-up: at most one per schedule
    if (kind === 'restartTemporal' && temporalRestarts++ > 0) kind = 'hardStop';
    const at = rng.int(500, activeMs - 500);
    events.push({ at, kind, ...(TARGETED.has(kind) ? { account: rng.int(0, 1) } : {}), params: paramsFor(kind, rng) });
  }
  // every schedule resumes a stopped session at least once late in the window
  events.push({ at: rng.int(Math.floor(activeMs * 0.6), activeMs - 300), kind: 'resume', account: rng.int(0, 1), params: { waitMs: 3_000 } });
  events.sort((a, b) => a.at - b.at || FAULT_KINDS.indexOf(a.kind) - FAULT_KINDS.indexOf(b.kind));
  return { seed, simSeed: deriveSeed(seed, 'sim') % 1_000_000, activeMs, accounts, events };
}

/** One line per event: what the runner prints for a failing schedule. */
export function describeEvent(e: FaultEvent): string {
  const who = e.account === undefined ? '' : ` account ${e.account}`;
  const p = Object.entries(e.params)
    .map(([k, v]) => `${k}=${v}`)
    .join(' ');
  return `+${String(e.at).padStart(5)} ms  ${e.kind}${who}${p ? ` (${p})` : ''}`;
}
