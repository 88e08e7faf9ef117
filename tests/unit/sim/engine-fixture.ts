/** An engine on the real venue rules (the foundation's validators), frozen prices, fake clock. */
import { isValidWirePrice, isValidWireSize } from '../../../src/exchange/hyperliquid/format';
import { Engine, type WireOrderIn } from '../../../src/sim/engine';
import { buildMarkets } from '../../../src/sim/markets';
import { Faults } from '../../../src/sim/faults';
import { fxStr, usdFromString } from '../../../src/sim/money';

export const ALICE = '0x' + 'a1'.repeat(20);
export const BOB = '0x' + 'b2'.repeat(20);

export function makeEngine(seed = 3): { e: Engine; clock: { t: number } } {
  const clock = { t: 1_800_000_000_000 };
  const e = new Engine({ markets: buildMarkets(['BTC', 'ETH', 'SOL']), seed, rules: { isValidWirePrice, isValidWireSize }, faults: new Faults(), now: () => clock.t++ });
  e.freeze(true);
  return { e, clock };
}

export function usd(s: string): bigint {
  const v = usdFromString(s);
  if (v === null) throw new Error(s);
  return v;
}

export function limit(asset: number, isBuy: boolean, px: string, sz: string, tif: 'Gtc' | 'Ioc' | 'Alo' = 'Gtc', reduceOnly = false, cloid?: string): WireOrderIn {
  return { a: asset, b: isBuy, p: px, s: sz, r: reduceOnly, t: { limit: { tif } }, ...(cloid ? { c: cloid } : {}) };
}

export function bestBid(e: Engine, coin: string): string {
  return fxStr(e.books.get(coin)!.bestBid()!);
}

export function bestAsk(e: Engine, coin: string): string {
  return fxStr(e.books.get(coin)!.bestAsk()!);
}
