/**
 * The stop activities: cancel all open orders, flatten, confirm flat, alert — over HTTP to the
 * venue only, so they work with the hot path's socket down or its process dead, from any host.
 * Built by a factory closing over the venue client and the signer; stateless between calls
 * (every decision is taken on a fresh read of the venue).
 */
import type { StopActivities, CancelAllResult, FlattenOrderResult, AlertRequest } from '../src/orchestration/stop-activities';
import { isFlat, type VenueSnapshot } from '../src/orchestration/stop-plan';
import { flattenOrderFor, type MarketRef } from '../src/orchestration/flatten';
import { cancelAction, orderAction } from '../src/exchange/hyperliquid/actions';
import type { ClearinghouseState, Meta, MetaAndAssetCtxs, OpenOrder } from '../src/exchange/hyperliquid/schemas/info';
import { NonceManager } from '../src/exchange/hyperliquid/nonce';
import { createLogger, type Logger } from '../src/util/log';
import { chaosInject } from '../src/chaos/inject';

/** The venue calls the stop needs (TRANSPORTS' HttpClient has them all). */
export interface StopVenue {
  meta(): Promise<Meta>;
  metaAndAssetCtxs(): Promise<MetaAndAssetCtxs>;
  clearinghouseState(user: string): Promise<ClearinghouseState>;
  openOrders(user: string): Promise<OpenOrder[]>;
  exchange(body: { action: { type: string }; nonce: number; signature: { r: string; s: string; v: number }; vaultAddress?: string | null }): Promise<ExchangeAnswer>;
}

/** The /exchange answer as the HttpClient parses it. */
export type ExchangeAnswer =
  | { status: 'ok'; response: { type: string; data?: { statuses?: unknown[] } } }
  | { status: 'err'; response: string };

/** The signing part of FOUNDATION's Signer. */
export interface StopSigner {
  readonly address: string;
  signL1(action: unknown, nonce: number, opts: { isMainnet: boolean; vaultAddress?: string | null }): { r: string; s: string; v: number };
}

export interface StopActivityDeps {
  venue: StopVenue;
  signer: StopSigner;
  /** strictly increasing ms nonces (FOUNDATION's NonceManager); default: a new one */
  nonces?: { next(): number };
  /** the trading account whose positions are read (master address; the signer may be its API wallet) */
  account: string;
  /** when the account is a vault/sub-account traded by the signer: signed into every action */
  vaultAddress?: string;
  isMainnet: boolean;
  log?: Logger;
  /** where alerts go besides the log (a pager, a webhook); failures are logged, not thrown */
  alertSink?: (req: AlertRequest) => Promise<void>;
}

/** The venue answers a cancel of an order it no longer has with this text: already done, not an error. */
const ALREADY_GONE = /never placed, already canceled, or filled/i;

export function createStopActivities(deps: StopActivityDeps): StopActivities {
  const log = deps.log ?? createLogger('stop-activities');
  const nonces = deps.nonces ?? new NonceManager();
  // TEST-ONLY switch (src/chaos/inject.ts): the stop reads another account
  const user = chaosInject('stop-wrong-account') && process.env.HLX_CHAOS_WRONG_ACCOUNT ? process.env.HLX_CHAOS_WRONG_ACCOUNT : deps.account;

  async function signedExchange(action: { type: string }): Promise<ExchangeAnswer> {
    const nonce = nonces.next();
    const vaultAddress = deps.vaultAddress ?? null;
    const signature = deps.signer.signL1(action, nonce, { isMainnet: deps.isMainnet, vaultAddress });
    const res = await deps.venue.exchange({ action, nonce, signature, ...(vaultAddress ? { vaultAddress } : {}) });
    // A whole-action rejection (nonce, signature, rate) is thrown so Temporal retries the activity,
    // which re-reads the venue: every stop activity is safe to repeat.
    if (res.status === 'err') throw new Error(`venue rejected ${action.type}: ${res.response}`);
    return res;
  }

  function statusesOf(res: ExchangeAnswer): unknown[] {
    return res.status === 'ok' ? (res.response.data?.statuses ?? []) : [];
  }

  function marketsOf(meta: Meta): Map<string, MarketRef> {
    return new Map(meta.universe.map((a, i) => [a.name, { asset: i, szDecimals: a.szDecimals }]));
  }

  async function snapshot(): Promise<VenueSnapshot> {
    const [ch, oo] = await Promise.all([deps.venue.clearinghouseState(user), deps.venue.openOrders(user)]);
    return {
      positions: ch.assetPositions.map((p) => ({ coin: p.position.coin, szi: p.position.szi })),
      openOrders: oo.map((o) => ({ coin: o.coin, oid: o.oid })),
    };
  }

  return {
    async readVenueState() {
      return snapshot();
    },

    async cancelAllOpenOrders(req?: { coins?: string[] }): Promise<CancelAllResult> {
      const [all, meta] = await Promise.all([deps.venue.openOrders(user), deps.venue.meta()]);
      // a market-scoped stop cancels its market's orders only
      const only = req?.coins && req.coins.length > 0 ? new Set(req.coins) : null;
      const open = only ? all.filter((o) => only.has(o.coin)) : all;
      const result: CancelAllResult = { requested: open.length, cancelled: 0, alreadyGone: 0, failed: [] };
      if (open.length === 0) return result;
      const markets = marketsOf(meta);
      const targets = open.flatMap((o) => {
        const m = markets.get(o.coin);
        if (!m) {
          result.failed.push({ coin: o.coin, oid: o.oid, error: 'market not in the venue meta' });
          return [];
        }
        return [{ coin: o.coin, asset: m.asset, oid: o.oid }];
      });
      if (targets.length === 0) return result;
      const res = await signedExchange(cancelAction(targets.map(({ asset, oid }) => ({ asset, oid }))));
      statusesOf(res).forEach((st, i) => {
        const t = targets[i];
        if (!t) return;
        if (st === 'success') result.cancelled++;
        else {
          const err = typeof st === 'object' && st && 'error' in st ? String((st as { error: unknown }).error) : JSON.stringify(st);
          if (ALREADY_GONE.test(err)) result.alreadyGone++;
          else result.failed.push({ coin: t.coin, oid: t.oid, error: err });
        }
      });
      log.info('cancel all open orders', { requested: result.requested, cancelled: result.cancelled, alreadyGone: result.alreadyGone, failed: result.failed.length });
      return result;
    },

    async flattenPositions(req) {
      // Sized from a fresh clearinghouseState and priced from fresh marks, never from the workflow's view.
      const [ch, [meta, ctxs]] = await Promise.all([deps.venue.clearinghouseState(user), deps.venue.metaAndAssetCtxs()]);
      const markets = marketsOf(meta);
      const wanted = req.coins && req.coins.length > 0 ? new Set(req.coins) : null;
      const orders: FlattenOrderResult[] = [];
      const plans = ch.assetPositions
        .map((p) => p.position)
        .filter((p) => !wanted || wanted.has(p.coin))
        .map((p) => {
          const m = markets.get(p.coin);
          return flattenOrderFor(p, m, m ? ctxs[m.asset]?.markPx : undefined, req.aggressionBps);
        });
      const toSend = plans.flatMap((p) => (p.kind === 'order' ? [p] : []));
      for (const p of plans) {
        if (p.kind === 'skip' && p.why !== 'already flat') {
          orders.push({ coin: p.coin, isBuy: false, sz: '0', px: '0', status: 'skipped', error: p.why });
        }
      }
      if (toSend.length === 0) return { orders };
      const res = await signedExchange(orderAction(toSend.map((p) => p.order)));
      const statuses = statusesOf(res);
      toSend.forEach((p, i) => {
        const st = statuses[i] as Record<string, unknown> | string | undefined;
        const base = { coin: p.coin, isBuy: p.order.isBuy, sz: p.order.sz, px: p.order.px };
        if (st && typeof st === 'object' && 'filled' in st) {
          orders.push({ ...base, status: 'filled', filledSz: String((st.filled as { totalSz?: unknown }).totalSz ?? '') });
        } else if (st && typeof st === 'object' && 'resting' in st) {
          // An IOC never rests; if the venue says so, confirm-flat sees the order and the next round cancels it.
          orders.push({ ...base, status: 'resting' });
        } else {
          const err = st && typeof st === 'object' && 'error' in st ? String(st.error) : JSON.stringify(st ?? 'no status');
          orders.push({ ...base, status: 'error', error: err });
        }
      });
      log.info('flatten', { orders: orders.map((o) => `${o.isBuy ? 'buy' : 'sell'} ${o.sz} ${o.coin} @ ${o.px} → ${o.status}`) });
      return { orders };
    },

    async confirmFlat() {
      const s = await snapshot();
      return { ...s, flat: isFlat(s) };
    },

    async alert(req) {
      const fields = { sessionId: req.sessionId, stop: req.stopWorkflowId, outcome: req.outcome, remaining: req.remaining, openOrdersLeft: req.openOrdersLeft };
      if (req.level === 'critical') log.error(`ALERT ${req.message}`, fields);
      else log.info(req.message, fields);
      if (deps.alertSink) {
        try {
          await deps.alertSink(req);
        } catch (e) {
          log.error('alert sink failed', { error: (e as Error)?.message ?? String(e) });
        }
      }
    },
  };
}
