/**
 * The real simulator with an account holding positions and resting orders, and the real stop
 * activities over TRANSPORTS' HttpClient and FOUNDATION's Signer/NonceManager.
 */
import { Wallet } from 'ethers';
import Decimal from 'decimal.js';
import { createStopActivities } from '../../../activities/stop';
import { HttpClient } from '../../../src/exchange/hyperliquid/http-client';
import { NonceManager, Signer, buildExchangeRequest, formatPrice, orderAction } from '../../../src/exchange/hyperliquid';
import { startSimulator, type LimitConfig, type RunningSimulator, type SimAccountState } from '../../../src/sim';
import type { StopActivities } from '../../../src/orchestration/stop-activities';

export interface SimAccount {
  sim: RunningSimulator;
  address: string;
  http: HttpClient;
  signer: Signer;
  activities: StopActivities;
  state(): SimAccountState;
  /** every position size zero and no open order, from the simulator's own books */
  isFlat(): boolean;
}

export async function startSimAccount(seed = 5, limits?: Partial<LimitConfig>, privateKey = Wallet.createRandom().privateKey): Promise<SimAccount> {
  const signer = Signer.fromPrivateKey(privateKey);
  const address = signer.address;
  const sim = await startSimulator({ port: 0, tickMs: 0, seed, fund: { [address]: '1000000' }, ...(limits ? { limits } : {}) });
  return accountOn(sim, signer, address);
}

/** Opens positions with IOC orders and leaves resting GTC orders far from the mark. */
export async function openExposure(a: SimAccount, positions: Record<string, string>, resting: Record<string, string> = {}): Promise<void> {
  const nonces = new NonceManager();
  const [meta, ctxs] = await a.http.metaAndAssetCtxs();
  const idx = (coin: string) => meta.universe.findIndex((u) => u.name === coin);
  const send = async (action: { type: string }) => {
    const nonce = nonces.next();
    const res = await a.http.exchange(buildExchangeRequest(action, nonce, a.signer.signL1(action, nonce, { isMainnet: false })) as never);
    if (res.status !== 'ok') throw new Error(`setup ${action.type}: ${JSON.stringify(res)}`);
    const st = res.response.data?.statuses ?? [];
    for (const s of st) if (typeof s === 'object' && s && 'error' in s) throw new Error(`setup ${action.type}: ${JSON.stringify(s)}`);
  };
  for (const [coin, szi] of Object.entries(positions)) {
    const i = idx(coin);
    const isBuy = !szi.startsWith('-');
    const mark = new Decimal(ctxs[i].markPx);
    const px = formatPrice(mark.times(isBuy ? 1.05 : 0.95).toFixed(), meta.universe[i].szDecimals, isBuy ? 'up' : 'down');
    await send(orderAction([{ asset: i, isBuy, px, sz: szi.replace('-', ''), reduceOnly: false, tif: 'Ioc' }]));
  }
  for (const [coin, sz] of Object.entries(resting)) {
    const i = idx(coin);
    const px = formatPrice(new Decimal(ctxs[i].markPx).times(0.8).toFixed(), meta.universe[i].szDecimals, 'down');
    await send(orderAction([{ asset: i, isBuy: true, px, sz, reduceOnly: false, tif: 'Gtc' }]));
  }
}

/** stop (#10): another account on an already running simulator (two accounts, one venue). */
export function simAccountOn(sim: RunningSimulator, privateKey = Wallet.createRandom().privateKey, usd = '1000000'): SimAccount {
  const signer = Signer.fromPrivateKey(privateKey);
  const address = signer.address.toLowerCase();
  sim.admin.fund(address, usd);
  return accountOn(sim, signer, address);
}

/** One account on a running simulator: its stop activities over HTTP, its state, and whether it is flat. */
function accountOn(sim: RunningSimulator, signer: Signer, address: string): SimAccount {
  const http = new HttpClient(sim.httpUrl, { timeoutMs: 5_000 });
  const activities = createStopActivities({ venue: http, signer, nonces: new NonceManager(), account: address, isMainnet: false });
  const state = () => sim.admin.state(address);
  return {
    sim,
    address,
    http,
    signer,
    activities,
    state,
    isFlat: () => state().positions.every((p) => new Decimal(p.szi).isZero()) && state().openOrders.length === 0,
  };
}
