/**
 * A hot path on the wall clock over an in-process venue where orders rest (GTC/ALO) or fill at
 * their limit (IOC), and cancels by cloid take them off the book with a `canceled` order update —
 * enough book for the gateway's and the strategies' cancel paths without a simulator.
 */
import { parseSessionConfig, type SessionConfigInput } from '../../../src/config/session';
import { createHotPath, type HotPath } from '../../../src/executor/hot-path';
import type { ExchangeRequestLike, ExchangeResponseLike, OrderTransport, WireOrderSpec } from '../../../src/executor/ports';
import type { Strategy } from '../../../src/strategy/strategy';
import { FakeWire, MARKETS } from '../executor/harness';

export class RestingVenue implements OrderTransport {
  readonly requests: ExchangeRequestLike[] = [];
  readonly book = new Map<string, { oid: number; coin: string; spec: WireOrderSpec }>();
  readonly cancelled: string[] = [];
  private oid = 500;
  private tid = 1;
  hp: HotPath | null = null;

  async post(req: ExchangeRequestLike): Promise<ExchangeResponseLike> {
    this.requests.push(req);
    const a = req.action as { type: string; orders?: WireOrderSpec[]; cancels?: { asset: number; cloid: string }[] };
    if (a.type === 'cancelByCloid') {
      const statuses = (a.cancels ?? []).map((c) => {
        const o = this.book.get(c.cloid);
        if (!o) return { error: 'Order was never placed, already canceled, or filled.' };
        this.book.delete(c.cloid);
        this.cancelled.push(c.cloid);
        queueMicrotask(() => this.hp?.onOrderUpdate({ coin: o.coin, oid: o.oid, cloid: c.cloid, status: 'canceled', time: Date.now() }));
        return 'success';
      });
      return { status: 'ok', response: { type: 'cancel', data: { statuses } } };
    }
    const statuses = (a.orders ?? []).map((o) => {
      const oid = this.oid++;
      const coin = MARKETS[o.asset].coin;
      if (o.tif === 'Ioc') {
        const fill = { coin, px: o.px, sz: o.sz, side: o.isBuy ? ('B' as const) : ('A' as const), tid: this.tid++, oid, cloid: o.cloid, fee: '0.01', closedPnl: '0', time: Date.now() };
        queueMicrotask(() => this.hp?.onFill(fill));
        return { filled: { totalSz: o.sz, avgPx: o.px, oid, cloid: o.cloid } };
      }
      this.book.set(o.cloid!, { oid, coin, spec: o });
      queueMicrotask(() => this.hp?.onOrderUpdate({ coin, oid, cloid: o.cloid, status: 'open', origSz: o.sz, sz: o.sz, time: Date.now() }));
      return { resting: { oid, cloid: o.cloid } };
    });
    return { status: 'ok', response: { type: 'order', data: { statuses } } };
  }
}

export function restingConfig(over: Partial<SessionConfigInput> = {}) {
  return parseSessionConfig({
    account: { address: '0x' + '1'.repeat(40) },
    venue: { network: 'sim', httpUrl: 'http://127.0.0.1:1', wsUrl: 'ws://127.0.0.1:1/ws' },
    signer: { privateKeyEnv: 'HL_PRIVATE_KEY' },
    markets: ['BTC', 'ETH', 'SOL'],
    strategy: { kind: 'external' },
    gateway: { listen: { port: 0 }, tokenEnv: 'HLX_TEST_GATEWAY_TOKEN' },
    limits: { maxNotionalPerMarketUsd: '1000', maxNotionalTotalUsd: '3000', ordersPerSecond: 1000, orderBurst: 1000 },
    risk: { maxCumulativeLossUsd: '1000', maxConsecutiveLosses: 100, rejectBurstCount: 100, rejectWindowMs: 1000, maxFillSlippageBps: 10_000, maxDisconnectMs: 60_000 },
    goNoGo: { checkpoints: [{ trades: 100_000, minMeanEdgeBps: -1e6, maxMeanSlippageBps: 1e6, minPnlCumulativeUsd: '-1000000' }] },
    executor: { tickIntervalMs: 10 },
    ...over,
  });
}

/** A ready hot path (socket, positions, marks, workflow) ticking on its own timer. */
export async function restingHotPath(opts: { config?: ReturnType<typeof restingConfig>; strategy?: Strategy; onStrategyEvent?: Parameters<typeof createHotPath>[0]['onStrategyEvent'] } = {}) {
  const venue = new RestingVenue();
  const hardStops: { reason: string; source: string }[] = [];
  const hp = createHotPath({
    config: opts.config ?? restingConfig(),
    markets: MARKETS.map(({ coin, asset, szDecimals }) => ({ coin, asset, szDecimals })),
    wire: new FakeWire(),
    transport: venue,
    hardStopPort: { signalHardStop: async (reason, source) => void hardStops.push({ reason, source }) },
    alert: { alert: () => {} },
    strategy: opts.strategy,
    onStrategyEvent: opts.onStrategyEvent,
  });
  venue.hp = hp;
  const marks = (px?: Record<string, string>) => {
    for (const m of MARKETS) hp.onMarkUpdate({ coin: m.coin, markPx: px?.[m.coin] ?? m.mark, midPx: px?.[m.coin] ?? m.mark, at: Date.now() });
  };
  hp.onSocketState({ up: true, at: Date.now() });
  hp.onPositions({ positions: [], at: Date.now() });
  marks();
  hp.setTradingAllowed(true);
  await new Promise((r) => setImmediate(r));
  hp.start();
  return { hp, venue, hardStops, marks };
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

export async function waitFor<T>(probe: () => T | undefined | null | false, what: string, timeoutMs = 5_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = probe();
    if (v !== undefined && v !== null && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out waiting for ${what}`);
    await sleep(5);
  }
}
