/**
 * The stop activities: cancel all open orders, flatten, confirm flat, alert — over HTTP to the
 * venue only, so they work with the hot path's socket down or its process dead, from any host.
 * Built by a factory closing over the venue client and the signer; stateless between calls
 * (every decision is taken on a fresh read of the venue).
 *
 * The account acted on comes from each call (the stop workflow's input). This worker's signer can
 * act only for the account (and vault) it was configured with: any other is refused
 * non-retryably, naming both, before anything is read or signed.
 */
import { ApplicationFailure } from '@temporalio/common';
import { WRONG_ACCOUNT_ERROR, type StopActivities, type CancelAllResult, type FlattenOrderResult, type AlertRequest, type StopTarget, type FlattenResult } from '../src/orchestration/stop-activities';
import { actingAccount, isFlat, STOP_DEFAULTS, type VenueSnapshot } from '../src/orchestration/stop-plan';
import { flattenOrdersFromBook, type BookFlattenPlan, type MarketRef } from '../src/orchestration/flatten';
import type { L2Book } from '../src/exchange/hyperliquid/schemas/info';
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
  l2Book(coin: string): Promise<L2Book>;
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
  const mine = actingAccount(deps.account, deps.vaultAddress);

  /** The account of the call, checked against this worker's: the venue address to read. */
  function userFor(t: StopTarget | undefined): string {
    const asked = t && typeof t.account === 'string' ? actingAccount(t.account, t.vaultAddress) : '(none)';
    const sameVault = (t?.vaultAddress ?? '').toLowerCase() === (deps.vaultAddress ?? '').toLowerCase();
    if (asked !== mine || !sameVault || t!.account.toLowerCase() !== deps.account.toLowerCase()) {
      throw ApplicationFailure.create({
        type: WRONG_ACCOUNT_ERROR,
        nonRetryable: true,
        message:
          `this stop worker acts for account ${deps.account}` + (deps.vaultAddress ? ` (vault ${deps.vaultAddress})` : '') + ` with signer ${deps.signer.address}; ` +
          `it cannot act for account ${t?.account ?? '(none)'}` + (t?.vaultAddress ? ` (vault ${t.vaultAddress})` : '') +
          ': run a stop worker configured for that account',
      });
    }
    // TEST-ONLY switch (src/chaos/inject.ts): the stop acts on another account than the one it checked
    if (chaosInject('stop-wrong-account') && process.env.HLX_CHAOS_WRONG_ACCOUNT) return process.env.HLX_CHAOS_WRONG_ACCOUNT;
    return mine;
  }

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

  async function snapshot(user: string): Promise<VenueSnapshot> {
    const [ch, oo] = await Promise.all([deps.venue.clearinghouseState(user), deps.venue.openOrders(user)]);
    return {
      positions: ch.assetPositions.map((p) => ({ coin: p.position.coin, szi: p.position.szi })),
      openOrders: oo.map((o) => ({ coin: o.coin, oid: o.oid })),
    };
  }

  async function cancelChunk(targets: { coin: string; asset: number; oid: number }[], result: CancelAllResult): Promise<string | null> {
    let res: ExchangeAnswer;
    try {
      res = await signedExchange(cancelAction(targets.map(({ asset, oid }) => ({ asset, oid }))));
    } catch (e) {
      return (e as Error).message;
    }
    result.actions = (result.actions ?? 0) + 1;
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
    return null;
  }

  async function sendFlatten(plans: Extract<BookFlattenPlan, { kind: 'orders' }>[], maxPerAction: number, orders: FlattenOrderResult[]): Promise<void> {
    const all = plans.flatMap((p) => p.orders.map((order) => ({ coin: p.coin, order })));
    for (let i = 0; i < all.length; i += maxPerAction) {
      const chunk = all.slice(i, i + maxPerAction);
      let statuses: unknown[];
      try {
        statuses = statusesOf(await signedExchange(orderAction(chunk.map((c) => c.order))));
      } catch (e) {
        // one refused action does not stop the others; the failure is in the result (a visible step)
        for (const c of chunk) orders.push({ coin: c.coin, isBuy: c.order.isBuy, sz: c.order.sz, px: c.order.px, status: 'error', error: (e as Error).message });
        continue;
      }
      chunk.forEach((c, j) => {
        const st = statuses[j] as Record<string, unknown> | string | undefined;
        const base = { coin: c.coin, isBuy: c.order.isBuy, sz: c.order.sz, px: c.order.px };
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
    }
  }

  return {
    async readVenueState(t) {
      return snapshot(userFor(t));
    },

    async cancelAllOpenOrders(t): Promise<CancelAllResult> {
      const user = userFor(t);
      const maxPerAction = Math.max(1, Math.min(200, t.maxPerAction ?? STOP_DEFAULTS.maxCancelsPerAction));
      const [all, meta] = await Promise.all([deps.venue.openOrders(user), deps.venue.meta()]);
      // a market-scoped stop cancels its market's orders only
      const only = t.coins && t.coins.length > 0 ? new Set(t.coins) : null;
      const open = only ? all.filter((o) => only.has(o.coin)) : all;
      const result: CancelAllResult = { requested: open.length, cancelled: 0, alreadyGone: 0, failed: [], actions: 0 };
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
      // Chunked to the venue's per-action limit; a refused chunk does not stop the others.
      const refused: string[] = [];
      for (let i = 0; i < targets.length; i += maxPerAction) {
        const why = await cancelChunk(targets.slice(i, i + maxPerAction), result);
        if (why) refused.push(why);
      }
      log.info('cancel all open orders', { requested: result.requested, cancelled: result.cancelled, alreadyGone: result.alreadyGone, failed: result.failed.length, actions: result.actions, refused: refused.length });
      // A refused action is thrown after the others were sent, so Temporal retries (re-reading what is left).
      if (refused.length > 0) throw new Error(`${refused.length} of ${Math.ceil(targets.length / maxPerAction)} cancel action(s) refused: ${refused[0]}`);
      return result;
    },

    async flattenPositions(req): Promise<FlattenResult> {
      const user = userFor(req);
      const pricing = req.pricing ?? {
        widenBps: req.aggressionBps ?? STOP_DEFAULTS.aggressionBps,
        maxSlippageBps: Math.max(req.aggressionBps ?? 0, STOP_DEFAULTS.maxSlippageBps),
        maxOrderNotionalUsd: STOP_DEFAULTS.maxOrderNotionalUsd,
        maxOrdersPerAction: STOP_DEFAULTS.maxOrdersPerAction,
      };
      // Sized from a fresh clearinghouseState, priced from fresh books and marks — never from the workflow's view.
      const [ch, [meta, ctxs]] = await Promise.all([deps.venue.clearinghouseState(user), deps.venue.metaAndAssetCtxs()]);
      const markets = marketsOf(meta);
      const wanted = req.coins && req.coins.length > 0 ? new Set(req.coins) : null;
      const open = ch.assetPositions.map((p) => p.position).filter((p) => (!wanted || wanted.has(p.coin)) && !/^[+-]?0*(\.0*)?$/.test(p.szi));
      const books = await Promise.all(open.map((p) => deps.venue.l2Book(p.coin).catch(() => null)));
      const plans = open.map((p, i) => {
        const m = markets.get(p.coin);
        const b = books[i];
        return flattenOrdersFromBook(p, m, m ? ctxs[m.asset]?.markPx : undefined, b ? { bids: b.levels[0], asks: b.levels[1] } : null, pricing);
      });
      const orders: FlattenOrderResult[] = [];
      for (const p of plans) {
        if (p.kind === 'skip' && p.why !== 'already flat') orders.push({ coin: p.coin, isBuy: false, sz: '0', px: '0', status: 'skipped', error: p.why });
      }
      const toSend = plans.flatMap((p) => (p.kind === 'orders' ? [p] : []));
      const priced = toSend.map((p) => ({ coin: p.coin, bookPx: p.bookPx, px: p.px, capped: p.capped }));
      if (toSend.length === 0) return { orders, pricing: priced };
      await sendFlatten(toSend, Math.max(1, Math.min(40, pricing.maxOrdersPerAction)), orders);
      log.info('flatten', { orders: orders.map((o) => `${o.isBuy ? 'buy' : 'sell'} ${o.sz} ${o.coin} @ ${o.px} → ${o.status}`) });
      return { orders, pricing: priced };
    },

    async confirmFlat(t) {
      const s = await snapshot(userFor(t));
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
