/**
 * Ports the hot path needs from outside, typed structurally so the foundation's transports and
 * the orchestration's Temporal adapter plug in without this folder importing them.
 */
import type { HardStopReason } from '../risk/reasons';

export interface SignatureLike {
  r: string;
  s: string;
  v: number;
}

/** `{action, nonce, signature, vaultAddress?, expiresAfter?}` — the /exchange body. */
export interface ExchangeRequestLike {
  action: unknown;
  nonce: number;
  signature: SignatureLike;
  vaultAddress?: string | null;
  expiresAfter?: number | null;
}

export type OrderStatusLike =
  | { resting: { oid: number; cloid?: string } }
  | { filled: { totalSz: string; avgPx: string; oid: number; cloid?: string } }
  | { error: string }
  | string;

export type ExchangeResponseLike =
  | { status: 'ok'; response: { type: string; data?: { statuses?: OrderStatusLike[] } } }
  | { status: 'err'; response: string };

/** Posts one signed action (WS post when up, HTTP otherwise); the request id is allocated inside. */
export interface OrderTransport {
  post(req: ExchangeRequestLike): Promise<ExchangeResponseLike>;
}

/** Signals the session workflow (wired to Temporal by the orchestration). */
export interface HardStopPort {
  signalHardStop(reason: HardStopReason | string, source: string, details?: object): Promise<void>;
}

/** Where Go/No-Go checkpoint verdicts are recorded (the session workflow). Optional. */
export interface CheckpointPort {
  reportCheckpoint(verdict: object): Promise<void>;
}

/** One order as wire strings (the foundation's OrderSpec). */
export interface WireOrderSpec {
  asset: number;
  isBuy: boolean;
  px: string;
  sz: string;
  reduceOnly: boolean;
  tif?: 'Gtc' | 'Ioc' | 'Alo';
  cloid?: string;
}

/**
 * Building and signing wire actions. The production implementation (wire.ts) is the foundation's
 * orderAction/cancelByCloidAction/cancelAction + formatPrice/formatSize + Signer.signL1 +
 * NonceManager; tests pass a fake that records nonces.
 */
export interface WirePort {
  formatPrice(px: string, szDecimals: number, rounding: 'up' | 'down'): string;
  formatSize(sz: string, szDecimals: number): string;
  orderAction(orders: WireOrderSpec[]): unknown;
  cancelByCloidAction(cancels: { asset: number; cloid: string }[]): unknown;
  cancelAction(cancels: { asset: number; oid: number }[]): unknown;
  /** consumes one nonce */
  nextNonce(): number;
  sign(action: unknown, nonce: number, expiresAfter: number | undefined): ExchangeRequestLike;
}
