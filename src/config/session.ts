/**
 * The trading-session configuration (`config/session.example.yaml`): every limit and threshold the
 * gates, the scheduler, the RiskMonitor and Go/No-Go use comes from here, never from constants in
 * code (SPEC.md §2 "limits come from the validated configuration").
 *
 * Conventions: money is a decimal string in USD (`...Usd`), durations are integer milliseconds
 * (`...Ms`), basis points are plain numbers (`...Bps`). Every error names the field.
 */
import * as fs from 'node:fs';
import { parse as parseYaml } from 'yaml';
import { z } from 'zod';
import { formatZodError } from './zod-error';
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

export const StrategyConfig = z.discriminatedUnion('kind', [DemoStrategyConfig, ReplayStrategyConfig]);

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
    session: z.object({ id: z.string().regex(/^[A-Za-z0-9._-]{1,64}$/).optional() }).strict().default({}),
    // ---- stop (#10) ----
    stop: StopConfig.default(StopConfig.parse({})),
    alerts: AlertsConfig.default(AlertsConfig.parse({})),
  })
  .strict();
export type SessionConfig = z.infer<typeof SessionConfig>;
export type SessionConfigInput = z.input<typeof SessionConfig>;
export type LimitsConfig = z.infer<typeof LimitsConfig>;
export type RiskConfig = z.infer<typeof RiskConfig>;
export type GoNoGoConfig = z.infer<typeof GoNoGoConfig>;
export type GoNoGoRule = z.infer<typeof GoNoGoRule>;
export type ExecutorConfig = z.infer<typeof ExecutorConfig>;
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

/** Read and validate a session YAML file; errors name the file and the field. */
export function loadSessionConfig(file: string): SessionConfig {
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
  return parseSessionConfig(raw, file);
}
