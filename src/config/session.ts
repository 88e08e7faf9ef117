/**
 * The trading-session configuration (`config/session.example.yaml`): every limit and threshold the
 * gates, the scheduler, the RiskMonitor and Go/No-Go use comes from here, never from constants in
 * code (SPEC.md §2 "limits come from the validated configuration").
 *
 * Conventions: money is a decimal string in USD (`...Usd`), durations are integer milliseconds
 * (`...Ms`), basis points are plain numbers (`...Bps`). Every error names the field.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { loadStrategyModule, StrategyModuleError } from '../strategy/module-loader';
import { formatZodError } from './zod-error';
import { ObservabilityConfig } from '../metrics/config';
import { AlertsConfig } from '../alerts/config';

/** A non-negative decimal string such as "250" or "12.5" (no exponent, no sign). */
export const UsdAmount = z.string().regex(/^\d+(\.\d+)?$/, 'a non-negative decimal string in USD, e.g. "250" or "12.5"');
const PositiveInt = z.number().int().positive();
const NonNegInt = z.number().int().nonnegative();
const Address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'a 0x-prefixed 20-byte hex address');
const Coin = z.string().regex(/^[A-Za-z0-9:_-]{1,32}$/, 'a perp coin name such as "BTC"');

export const VenueConfig = z
  .object({
    network: z.enum(['sim', 'testnet', 'mainnet']),
    httpUrl: z.string().url().optional(),
    wsUrl: z.string().url().optional(),
    /** Sub-account or vault the agent trades for; omitted when trading the account itself. */
    vaultAddress: Address.optional(),
  })
  .strict();

export const SignerConfig = z.union([
  z.object({ privateKeyEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name') }).strict(),
  z
    .object({
      keystore: z.string().min(1),
      passwordEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name'),
    })
    .strict(),
]);

export const DemoStrategyConfig = z
  .object({
    kind: z.literal('demo'),
    /** Notional of each opening order in USD (must clear the venue's $10 minimum). */
    orderNotionalUsd: UsdAmount.default('15'),
    /** How long a position is held before the reduce-only close, ms. */
    holdMs: PositiveInt.default(3000),
    /** Pause between a close and the next open in the same market, ms. */
    cooldownMs: NonNegInt.default(6000),
    /** How far through mid the marketable IOC limit is placed, bps. */
    aggressionBps: z.number().positive().max(500).default(50),
    /** Stop opening after this many round trips (0 = unlimited). */
    maxTrades: NonNegInt.default(0),
  })
  .strict();

export const ReplayStrategyConfig = z
  .object({
    kind: z.literal('replay'),
    /** A JSONL file of signals, one per line (see src/strategy/replay.ts). */
    file: z.string().min(1),
    /** Delay between replayed signals, ms (0 = as fast as ticks allow). */
    intervalMs: NonNegInt.default(0),
  })
  .strict();

export const ModuleStrategyConfig = z
  .object({
    kind: z.literal('module'),
    /** The strategy's file (.ts, .js, .mjs, .cjs), relative to the config file; see src/strategy/module-loader.ts. */
    module: z.string().regex(/\.(ts|mts|cts|js|mjs|cjs)$/, 'a path to a .ts, .js or .mjs file'),
    /** Handed to the module's createStrategy, checked with its paramsSchema when it exports one. */
    params: z.record(z.string(), z.unknown()).default({}),
  })
  .strict();

/** No strategy in this process: an external one speaks to the gateway (needs `gateway:`). */
export const ExternalStrategyConfig = z.object({ kind: z.literal('external') }).strict();

export const StrategyConfig = z.discriminatedUnion('kind', [DemoStrategyConfig, ReplayStrategyConfig, ModuleStrategyConfig, ExternalStrategyConfig]);

const LOOPBACK_HOSTS = ['127.0.0.1', '::1', 'localhost'] as const;

/** The local signal gateway for strategies in other processes (src/gateway/PROTOCOL.md). */
export const GatewayConfig = z
  .object({
    /** Loopback TCP (port 0 = any free port, logged) or a Unix socket path (relative to the config file). */
    listen: z.union([
      z.object({ host: z.enum(LOOPBACK_HOSTS, { message: 'a loopback address: 127.0.0.1, ::1 or localhost' }).default('127.0.0.1'), port: z.number().int().min(0).max(65535) }).strict(),
      z.object({ socket: z.string().min(1) }).strict(),
    ]),
    /** The environment variable holding the bearer token a client must present (≥ 16 characters). */
    tokenEnv: z.string().regex(/^[A-Z_][A-Z0-9_]*$/, 'an environment variable name'),
    /** When the strategy client goes away: nothing, cancel its open orders, or HardStop. */
    onDisconnect: z.enum(['none', 'cancel', 'hardStop']).default('cancel'),
    /** A bigger text frame is answered with an error frame, unparsed, bytes. */
    maxFrameBytes: z.number().int().min(256).max(1_048_576).default(65_536),
    /** The client's message budget: sustained messages per second and burst. */
    maxMessagesPerSecond: z.number().positive().default(1_000),
    messageBurst: PositiveInt.default(2_000),
    /** The fastest market-state snapshot rate a client may ask for, ms. */
    minSnapshotMs: PositiveInt.default(20),
    /** A client that lets this much output pile up unread is disconnected, bytes. */
    maxBufferedBytes: PositiveInt.default(8 * 1024 * 1024),
  })
  .strict();
export type GatewayConfig = z.infer<typeof GatewayConfig>;

export const LimitsConfig = z
  .object({
    /** SPEC §2 MaxPosition per market: abs(pos)·mark + pending + new ≤ this, USD. */
    maxNotionalPerMarketUsd: UsdAmount,
    /** SPEC §2 MaxPosition total over all markets, each at its own mark, USD. */
    maxNotionalTotalUsd: UsdAmount,
    /** A mark older than this is stale and fails closed, ms. */
    markMaxAgeMs: PositiveInt.default(10_000),
    /** Gate 5 (ActionBudget), our own budget: sustained orders per second and burst. */
    ordersPerSecond: z.number().positive().default(20),
    orderBurst: PositiveInt.default(40),
    /** Gate 5, the venue-side budget we respect (WS: 2000 messages/min per IP), orders per minute. */
    venueOrdersPerMinute: PositiveInt.default(1200),
    // ---- erroneous-order controls (issue #13 §4; FIA automated-trading guidance, SEC 15c3-5) ----
    /** A limit price more than this far through the mark is refused (buy above, sell below), bps. */
    priceBandBps: z.number().positive().max(10_000).default(300),
    /** The same for reduce-only orders (exits may need to cross further), bps. */
    reduceOnlyPriceBandBps: z.number().positive().max(10_000).default(1_000),
    /** Largest notional of one opening order at the mark, USD (omitted: only MaxPosition bounds it). */
    maxOrderNotionalUsd: UsdAmount.optional(),
    /** Largest size of one opening order per market, in coins, e.g. {BTC: "0.01"} (markets absent: no size cap). */
    maxOrderSize: z.record(Coin, z.string().regex(/^\d+(\.\d+)?$/, 'a non-negative decimal size in coins, e.g. "0.01"')).default({}),
    /** Open orders on the account per market (ours and any other's) at which a new opening order is refused. */
    maxOpenOrdersPerMarket: PositiveInt.default(20),
  })
  .strict();

/**
 * Keeping the hot path's state equal to the venue's (issue #13): unknown outcomes, the drift alarm,
 * foreign orders. Every venue call made for this draws on one info budget (`infoWeightPerMinute`).
 */
export const ReconcileConfig = z
  .object({
    /** An order whose outcome is unknown is resolved (orderStatus by cloid) within this bound, ms; ≥ executor.expiresAfterMs. */
    unknownOutcomeBoundMs: PositiveInt.default(15_000),
    /** First retry delay of orderStatus for one order, doubling up to statusMaxBackoffMs, ms. */
    statusBackoffMs: PositiveInt.default(250),
    statusMaxBackoffMs: PositiveInt.default(4_000),
    /** Info weight per minute the state keeping may use (the venue's IP budget is 1200), weight/min. */
    infoWeightPerMinute: PositiveInt.default(240),
    /** How often positions and open orders are compared with the venue (drift alarm), ms; 0 = never. */
    intervalMs: NonNegInt.default(30_000),
    /** A snapshot is compared this long after its answer (fills older than it still in transit), ms. */
    graceMs: NonNegInt.default(2_000),
    /** HardStop(StateDrift) when one comparison finds this much difference (Σ |Δposition|·mark + foreign orders' notional), USD. */
    driftHardStopUsd: UsdAmount.default('50'),
    /** Open orders found at start that this session did not place: counted as exposure, or cancelled. */
    foreignOrders: z.enum(['count', 'cancel']).default('count'),
  })
  .strict();

export const RiskConfig = z
  .object({
    /** HardStop(CumulativeLoss) when pnl_cumulative ≤ −this, USD. */
    maxCumulativeLossUsd: UsdAmount,
    /** HardStop(ConsecutiveLosses) when this many closed trades in a row lost. */
    maxConsecutiveLosses: PositiveInt,
    /** HardStop(RejectBurst) when this many rejects fall within `rejectWindowMs`. */
    rejectBurstCount: PositiveInt,
    rejectWindowMs: PositiveInt,
    /** HardStop(SlippageAnomaly) when one fill's slippage exceeds this, bps (positive = worse). */
    maxFillSlippageBps: z.number().positive(),
    /** HardStop(SocketDisconnected) when the socket stays down longer than this, ms. */
    maxDisconnectMs: PositiveInt,
    /** #11 the session's dead-man lease on the hot path: HardStop(HotPathLost) when not renewed for this long, ms. */
    hotPathLeaseMs: z.number().int().min(1_000).default(5_000),
    /** #11 the RiskMonitor's counters go to the session workflow at most this often, ms (each change is on disk at once). */
    checkpointIntervalMs: PositiveInt.default(10_000),
  })
  .strict();

/** One row of the Go/No-Go table (SPEC §6): thresholds that must all hold at that checkpoint. */
export const GoNoGoRule = z
  .object({
    /** The checkpoint: evaluated when exactly this many trades have closed. */
    trades: PositiveInt,
    /** Mean actual_edge_bps over the closed trades must be ≥ this, bps. */
    minMeanEdgeBps: z.number(),
    /** Mean slippage_bps over the fills must be ≤ this, bps (positive = worse). */
    maxMeanSlippageBps: z.number(),
    /** pnl_cumulative must be ≥ this, USD (may be negative: "-5"). */
    minPnlCumulativeUsd: z.string().regex(/^-?\d+(\.\d+)?$/, 'a decimal string in USD, e.g. "-5"'),
  })
  .strict();

export const GoNoGoConfig = z
  .object({
    checkpoints: z
      .array(GoNoGoRule)
      .min(1)
      .refine((rows) => rows.every((r, i) => i === 0 || r.trades > rows[i - 1].trades), 'checkpoints must be in increasing order of trades'),
  })
  .strict();

export const ExecutorConfig = z
  .object({
    /** How often the executor loop takes one batch from the scheduler, ms. */
    tickIntervalMs: PositiveInt.default(20),
    /** Every order action carries expiresAfter = now + this, ms (an order stuck in flight cannot land long after a stop). */
    expiresAfterMs: PositiveInt.default(5_000),
    /** Orders per action; ≤ 40 keeps the action at weight 1 (venue: 1 + floor(n/40)). */
    maxOrdersPerAction: z.number().int().min(1).max(40).default(40),
    /** Cancels per action; the venue refuses signed actions over weight 200. */
    maxCancelsPerAction: z.number().int().min(1).max(200).default(200),
    /** At most this many posts in flight (venue: ≤ 100 per IP). */
    maxInFlightPosts: z.number().int().min(1).max(100).default(8),
  })
  .strict();

// ---- stop (#10): the durable stop's rounds, pricing and cadence ----
export const StopConfig = z
  .object({
    /** fast rounds (backoff between them) before the stop is STOP_STUCK */
    fastRounds: PositiveInt.default(6),
    backoffInitialMs: NonNegInt.default(200),
    backoffMaxMs: NonNegInt.default(3_000),
    /** after the fast rounds: one round per this long, until flat or abandoned, ms */
    slowRoundMs: z.number().int().min(10).default(30_000),
    /** the first round's widening beyond the book price, bps (doubles every round) */
    aggressionBps: z.number().int().positive().default(50),
    /** the ceiling: a flatten IOC is never priced further than this from the mark, bps */
    maxSlippageBps: z.number().int().positive().max(7_000).default(500),
    /** a bigger position is split into orders of at most this notional, USD */
    maxOrderNotionalUsd: UsdAmount.default('1000000'),
    /** the latch call on the hot-path host, ms (includes the wait for its in-flight posts) */
    latchTimeoutMs: z.number().int().min(50).default(1_000),
    /** no stop worker of the account polls within this: the stop shows STOP_WAITING_WORKER, ms */
    workerWaitMs: z.number().int().min(100).default(5_000),
  })
  .strict();
export type StopConfig = z.infer<typeof StopConfig>;

export const SessionConfig = z
  .object({
    account: z.object({ address: Address }).strict(),
    venue: VenueConfig,
    signer: SignerConfig,
    markets: z.array(Coin).min(1).refine((m) => new Set(m).size === m.length, 'markets must not repeat'),
    strategy: StrategyConfig,
    limits: LimitsConfig,
    risk: RiskConfig,
    goNoGo: GoNoGoConfig,
    executor: ExecutorConfig.default(ExecutorConfig.parse({})),
    reconcile: ReconcileConfig.default(ReconcileConfig.parse({})),
    session: z.object({ id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional() }).strict().default({}),
    gateway: GatewayConfig.optional(),
    /** metrics server and log format (src/metrics/config.ts); the environment wins */
    observability: ObservabilityConfig.default({}),
    // ---- stop (#10) ----
    stop: StopConfig.default(StopConfig.parse({})),
    alerts: AlertsConfig.default(AlertsConfig.parse({})),
  })
  .strict()
  .superRefine((c, ctx) => {
    if (c.strategy.kind === 'external' && !c.gateway) {
      ctx.addIssue({ code: 'custom', path: ['gateway'], message: 'required when strategy.kind is external (the strategy connects through it)' });
    }
    // "never placed" is only safe once the order's expiresAfter has passed
    if (c.reconcile.unknownOutcomeBoundMs < c.executor.expiresAfterMs) {
      ctx.addIssue({ code: 'custom', path: ['reconcile', 'unknownOutcomeBoundMs'], message: `must be ≥ executor.expiresAfterMs (${c.executor.expiresAfterMs})` });
    }
    if (c.reconcile.statusMaxBackoffMs < c.reconcile.statusBackoffMs) {
      ctx.addIssue({ code: 'custom', path: ['reconcile', 'statusMaxBackoffMs'], message: 'must be ≥ reconcile.statusBackoffMs' });
    }
  });
export type SessionConfig = z.infer<typeof SessionConfig>;
export type SessionConfigInput = z.input<typeof SessionConfig>;
export type LimitsConfig = z.infer<typeof LimitsConfig>;
export type RiskConfig = z.infer<typeof RiskConfig>;
export type GoNoGoConfig = z.infer<typeof GoNoGoConfig>;
export type GoNoGoRule = z.infer<typeof GoNoGoRule>;
export type ExecutorConfig = z.infer<typeof ExecutorConfig>;
export type ReconcileConfig = z.infer<typeof ReconcileConfig>;
export type StrategyConfig = z.infer<typeof StrategyConfig>;

export class SessionConfigError extends Error {
  override name = 'SessionConfigError';
}

/** Validate an already-parsed object (tests, programmatic callers). */
export function parseSessionConfig(raw: unknown, origin = 'session config'): SessionConfig {
  const r = SessionConfig.safeParse(raw);
  if (!r.success) throw new SessionConfigError(`${origin}: ${formatZodError(r.error)}`);
  return r.data;
}

/**
 * The strategy module's exports and params, checked at start (src/strategy/module-loader.ts);
 * a problem is a SessionConfigError naming the field, like every other config error.
 */
export function checkStrategyModule(cfg: SessionConfig, origin = 'session config'): void {
  if (cfg.strategy.kind !== 'module') return;
  try {
    loadStrategyModule(cfg.strategy.module, cfg.strategy.params);
  } catch (e) {
    if (e instanceof StrategyModuleError) throw new SessionConfigError(`${origin}: ${e.message}`);
    throw e;
  }
}

/** Paths in the file (strategy.module, gateway.listen.socket) are relative to the file itself. */
function resolveRelativeTo(cfg: SessionConfig, file: string): SessionConfig {
  const dir = path.dirname(path.resolve(file));
  if (cfg.strategy.kind === 'module') cfg.strategy.module = path.resolve(dir, cfg.strategy.module);
  if (cfg.gateway && 'socket' in cfg.gateway.listen) cfg.gateway.listen.socket = path.resolve(dir, cfg.gateway.listen.socket);
  return cfg;
}

/**
 * Read and validate a session YAML file without loading the strategy module: what operator
 * commands use (a HardStop from `hlx hardstop --config …` must not depend on the strategy's code).
 */
export function readSessionConfig(file: string): SessionConfig {
  let text: string;
  try {
    text = fs.readFileSync(file, 'utf8');
  } catch (e) {
    throw new SessionConfigError(`${file}: cannot read: ${(e as NodeJS.ErrnoException).code ?? (e as Error).message}`);
  }
  let raw: unknown;
  try {
    raw = parseYaml(text);
  } catch (e) {
    throw new SessionConfigError(`${file}: not valid YAML: ${(e as Error).message}`);
  }
  return resolveRelativeTo(parseSessionConfig(raw, file), file);
}

/** Read and validate a session YAML file for a start, strategy module included; errors name the file and the field. */
export function loadSessionConfig(file: string): SessionConfig {
  const cfg = readSessionConfig(file);
  checkStrategyModule(cfg, file);
  return cfg;
}
