/**
 * An in-memory venue with the HTTP surface the stop activities use, for orchestration tests that
 * must control faults precisely (IOC misses, a venue that errors). The simulator tests use the
 * real src/sim instead.
 */
import Decimal from 'decimal.js';
import type { StopVenue, ExchangeAnswer } from '../../../activities/stop';

export interface FakeMarket {
  name: string;
  szDecimals: number;
  mark: string;
}

export class FakeVenue implements StopVenue {
  readonly markets: FakeMarket[] = [
    { name: 'BTC', szDecimals: 5, mark: '97000' },
    { name: 'ETH', szDecimals: 4, mark: '3600' },
    { name: 'SOL', szDecimals: 2, mark: '240' },
  ];
  positions = new Map<string, string>();
  orders: { coin: string; oid: number; side: 'B' | 'A'; sz: string; limitPx: string }[] = [];
  /** the next N IOC orders find nothing to match */
  iocMisses = 0;
  /** every /exchange call throws (venue unreachable) while true */
  exchangeDown = false;
  readonly sent: { type: string; n: number }[] = [];
  private nextOid = 1000;

  constructor(positions: Record<string, string> = {}, openOrders: { coin: string; side: 'B' | 'A'; sz: string; limitPx: string }[] = []) {
    for (const [c, s] of Object.entries(positions)) this.positions.set(c, s);
    for (const o of openOrders) this.orders.push({ ...o, oid: this.nextOid++ });
  }

  async meta() {
    return { universe: this.markets.map((m) => ({ name: m.name, szDecimals: m.szDecimals, maxLeverage: 20 })) };
  }
  async metaAndAssetCtxs() {
    return [await this.meta(), this.markets.map((m) => ({ markPx: m.mark, oraclePx: m.mark }))] as never;
  }
  async clearinghouseState(_user: string) {
    const zero = { accountValue: '0', totalNtlPos: '0', totalRawUsd: '0', totalMarginUsed: '0' };
    return {
      assetPositions: [...this.positions.entries()].map(([coin, szi]) => ({ type: 'oneWay', position: { coin, szi } })),
      marginSummary: zero,
      withdrawable: '0',
    };
  }
  /** the book: one deep level each side at the mark (so a book-priced IOC crosses), none while `bookEmpty` */
  bookEmpty = false;
  async l2Book(coin: string) {
    const m = this.markets.find((x) => x.name === coin);
    const lvl = m && !this.bookEmpty ? [{ px: m.mark, sz: '1000000', n: 1 }] : [];
    return { coin, time: Date.now(), levels: [lvl, lvl] as [typeof lvl, typeof lvl] };
  }
  async openOrders(_user: string) {
    return this.orders.map((o) => ({ ...o, timestamp: 1 }));
  }

  async exchange(body: { action: { type: string } }): Promise<ExchangeAnswer> {
    if (this.exchangeDown) throw new Error('connect ECONNREFUSED (fake venue down)');
    const a = body.action as Record<string, unknown> & { type: string };
    if (a.type === 'cancel') {
      const cancels = a.cancels as { a: number; o: number }[];
      this.sent.push({ type: 'cancel', n: cancels.length });
      const statuses = cancels.map((c) => {
        const i = this.orders.findIndex((o) => o.oid === c.o);
        if (i < 0) return { error: 'Order was never placed, already canceled, or filled. asset=' + c.a };
        this.orders.splice(i, 1);
        return 'success';
      });
      return { status: 'ok', response: { type: 'cancel', data: { statuses } } };
    }
    if (a.type === 'order') {
      const orders = a.orders as { a: number; b: boolean; p: string; s: string; r: boolean; t: { limit?: { tif: string } } }[];
      this.sent.push({ type: 'order', n: orders.length });
      const statuses = orders.map((o) => {
        const m = this.markets[o.a];
        if (!m) return { error: 'Unknown asset' };
        if (o.t.limit?.tif !== 'Ioc' || !o.r) return { error: 'fake venue: stop orders must be reduce-only IOC' };
        const crosses = o.b ? new Decimal(o.p).gte(m.mark) : new Decimal(o.p).lte(m.mark);
        if (this.iocMisses > 0 || !crosses) {
          if (this.iocMisses > 0) this.iocMisses--;
          return { error: 'Order could not immediately match against any resting orders. asset=' + o.a };
        }
        const pos = new Decimal(this.positions.get(m.name) ?? '0');
        // reduce-only: never past zero, never on the wrong side
        if (pos.isZero() || pos.isNegative() !== o.b) return { error: 'Reduce only order would increase position. asset=' + o.a };
        const fill = Decimal.min(pos.abs(), new Decimal(o.s));
        const next = o.b ? pos.plus(fill) : pos.minus(fill);
        this.positions.set(m.name, next.toFixed());
        return { filled: { totalSz: fill.toFixed(), avgPx: m.mark, oid: this.nextOid++ } };
      });
      return { status: 'ok', response: { type: 'order', data: { statuses } } };
    }
    return { status: 'err', response: `fake venue: unsupported action ${a.type}` };
  }

  isFlat(): boolean {
    return [...this.positions.values()].every((s) => new Decimal(s).isZero()) && this.orders.length === 0;
  }
}

export const fakeSigner = {
  address: '0x00000000000000000000000000000000000000f1',
  signL1: () => ({ r: '0x' + '1'.repeat(64), s: '0x' + '2'.repeat(64), v: 27 }),
};
