/**
 * The signal gateway's protocol (PROTOCOL.md is the reference): JSON text frames over one local
 * WebSocket. Every client frame is parsed here with zod; a frame that does not parse is answered
 * with an `error` frame naming the field, and nothing else happens.
 *
 * Client → gateway: signal, cancel, subscribe, ping. Gateway → client: welcome, result,
 * cancelResult, subscribed, pong, event, snapshot, error.
 */
import { z } from 'zod';
import type { CancelResult } from '../executor/cancel';
import type { ExecutionResult } from '../executor/executor';
import type { HardStopRecord, HotPathPhase } from '../risk/reasons';
import type { OrderView } from '../strategy/strategy';
import { STRATEGY_EVENT_TYPES, type StrategyEvent, type StrategyEventType } from '../strategy/events';

export const PROTOCOL_VERSION = 1;

/** A client's correlation id, echoed in the answer. */
const Id = z.union([z.string().max(64), z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER)]);

export const SignalFrame = z
  .object({
    type: z.literal('signal'),
    id: Id.optional(),
    /** a signal as SignalSchema (src/executor/signal.ts) defines it; parsed by the gates, which name a bad field */
    signal: z.unknown(),
  })
  .strict();

export const CancelFrame = z
  .object({
    type: z.literal('cancel'),
    id: Id.optional(),
    cloid: z.string(),
  })
  .strict();

export const SubscribeFrame = z
  .object({
    type: z.literal('subscribe'),
    id: Id.optional(),
    /** event types to receive: true = all, false or [] = none */
    events: z.union([z.boolean(), z.array(z.enum(STRATEGY_EVENT_TYPES as [StrategyEventType, ...StrategyEventType[]]))]).default(true),
    /** market-state snapshots every this many ms (≥ the gateway's minSnapshotMs); 0 = none */
    snapshotMs: z.number().int().nonnegative().default(0),
  })
  .strict();

export const PingFrame = z.object({ type: z.literal('ping'), id: Id.optional() }).strict();

export const ClientFrame = z.discriminatedUnion('type', [SignalFrame, CancelFrame, SubscribeFrame, PingFrame]);
export type ClientFrame = z.infer<typeof ClientFrame>;
export type ClientFrameInput = z.input<typeof ClientFrame>;

export const ERROR_CODES = ['BadFrame', 'FrameTooLarge', 'RateLimited', 'SessionTaken', 'SlowConsumer', 'Internal'] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export interface MarketSnapshot {
  coin: string;
  szDecimals: number;
  markPx: string | null;
  midPx: string | null;
  /** signed position size ("0" when flat) */
  position: string;
  pending: boolean;
}

export type ServerFrame =
  | {
      type: 'welcome';
      protocol: number;
      session: string;
      phase: HotPathPhase;
      hardStop: HardStopRecord | null;
      markets: { coin: string; szDecimals: number }[];
      limits: { maxFrameBytes: number; maxMessagesPerSecond: number; messageBurst: number; minSnapshotMs: number };
      onDisconnect: 'none' | 'cancel' | 'hardStop';
    }
  | { type: 'result'; id?: string | number; result: ExecutionResult }
  | { type: 'cancelResult'; id?: string | number; cloid: string; result: CancelResult }
  | { type: 'subscribed'; id?: string | number; events: StrategyEventType[]; snapshotMs: number }
  | { type: 'pong'; id?: string | number; at: number }
  | { type: 'event'; event: StrategyEvent }
  | {
      type: 'snapshot';
      at: number;
      phase: HotPathPhase;
      markets: MarketSnapshot[];
      positions: { coin: string; szi: string }[];
      pending: OrderView[];
    }
  | { type: 'error'; id?: string | number; code: ErrorCode; field?: string; message: string };

/** Parse one text frame; the error names the field like every other boundary of the project. */
export function parseClientFrame(text: string): { ok: true; frame: ClientFrame } | { ok: false; field: string; message: string; id?: string | number } {
  let raw: unknown;
  try {
    raw = JSON.parse(text);
  } catch (e) {
    return { ok: false, field: '(root)', message: `not JSON: ${(e as Error).message}` };
  }
  const r = ClientFrame.safeParse(raw);
  if (r.success) return { ok: true, frame: r.data };
  const i = r.error.issues[0];
  const field = i.path.length ? i.path.map(String).join('.') : '(root)';
  // echo the id when it is usable, so the client can tell which frame was refused
  const idr = typeof raw === 'object' && raw !== null ? Id.safeParse((raw as { id?: unknown }).id) : undefined;
  return { ok: false, field, message: `${field}: ${i.message}`, ...(idr?.success ? { id: idr.data } : {}) };
}
