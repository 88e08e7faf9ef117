/** Shared by the #11 durability tests: operator-style steps on top of the operator harness. */
import * as fs from 'node:fs';
import Decimal from 'decimal.js';
import { NonceManager, buildExchangeRequest, formatPrice, orderAction } from '../../../src/exchange/hyperliquid';
import { HttpClient } from '../../../src/exchange/hyperliquid/http-client';
import { waitUntil, type ChildWorker, type OperatorEnv } from '../operator/harness';

/** The session id a spawned worker runs (from its status file's name). */
export async function sessionIdOf(c: ChildWorker, name: string): Promise<string> {
  const f = await waitUntil(() => fs.readdirSync(c.statusDir).find((x) => x.includes(name) && x.endsWith('.json')), (x) => !!x, 45_000, 'the worker status file');
  return f!.replace(/\.json$/, '');
}

/** An operator's own resting bid 20 % under the mark, on the session's account (the stop must cancel it). */
export async function placeRestingBid(env: OperatorEnv, coin = 'BTC'): Promise<void> {
  const http = new HttpClient(env.sim.httpUrl, { timeoutMs: 5_000 });
  const [meta, ctxs] = await http.metaAndAssetCtxs();
  const i = meta.universe.findIndex((u) => u.name === coin);
  const sz = new Decimal(12).div(ctxs[i].markPx).times(1.25).toDecimalPlaces(meta.universe[i].szDecimals, Decimal.ROUND_UP).toFixed();
  const px = formatPrice(new Decimal(ctxs[i].markPx).times(0.8).toFixed(), meta.universe[i].szDecimals, 'down');
  const action = orderAction([{ asset: i, isBuy: true, px, sz, reduceOnly: false, tif: 'Gtc' }]);
  const nonce = new NonceManager().next() + 7; // apart from the hot path's own nonces of this millisecond
  const res = await http.exchange(buildExchangeRequest(action, nonce, env.signer.signL1(action, nonce, { isMainnet: false })) as never);
  const st = res.status === 'ok' ? res.response.data?.statuses?.[0] : res;
  if (!st || typeof st !== 'object' || !('resting' in st)) throw new Error(`resting bid not placed: ${JSON.stringify(res)}`);
}

export function quantile(xs: number[], q: number): number {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.max(0, Math.ceil(q * s.length) - 1))];
}
