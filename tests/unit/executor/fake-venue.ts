/** A tiny in-process venue for hot-path tests: IOC orders fill at their limit, fills come back through onFill. */
import type { ExchangeRequestLike, ExchangeResponseLike, OrderTransport, WireOrderSpec } from '../../../src/executor/ports';
import type { FillInput } from '../../../src/executor/events';
import { MARKETS } from './harness';

export class FakeVenue implements OrderTransport {
  readonly requests: ExchangeRequestLike[] = [];
  private oid = 100;
  private tid = 1;
  private readonly pos = new Map<string, { sz: number; entry: number }>();
  /** USD added to every closing fill's closedPnl (negative = lose) */
  pnlBias = 0;
  onFill: (f: FillInput) => void = () => {};
  clock: () => number = () => 0;

  async post(req: ExchangeRequestLike): Promise<ExchangeResponseLike> {
    this.requests.push(req);
    const a = req.action as { type: string; orders?: WireOrderSpec[]; cancels?: unknown[] };
    if (a.type !== 'order') return { status: 'ok', response: { type: 'cancel', data: { statuses: (a.cancels ?? []).map(() => 'success') } } };
    const statuses = (a.orders ?? []).map((o) => {
      const oid = this.oid++;
      const coin = MARKETS[o.asset].coin;
      const p = this.pos.get(coin) ?? { sz: 0, entry: 0 };
      const signed = (o.isBuy ? 1 : -1) * Number(o.sz);
      if (o.reduceOnly && (p.sz === 0 || Math.sign(signed) === Math.sign(p.sz))) return { error: 'Reduce only order would increase position. asset=' + o.asset };
      const px = Number(o.px);
      let closedPnl = 0;
      if (p.sz !== 0 && Math.sign(signed) !== Math.sign(p.sz)) closedPnl = (px - p.entry) * Math.min(Math.abs(signed), Math.abs(p.sz)) * Math.sign(p.sz) + this.pnlBias;
      const next = p.sz + signed;
      this.pos.set(coin, { sz: Math.abs(next) < 1e-12 ? 0 : next, entry: p.sz === 0 ? px : p.entry });
      const fill: FillInput = { coin, px: o.px, sz: o.sz, side: o.isBuy ? 'B' : 'A', tid: this.tid++, oid, cloid: o.cloid, fee: '0.01', closedPnl: closedPnl.toFixed(6), time: this.clock() };
      queueMicrotask(() => this.onFill(fill));
      return { filled: { totalSz: o.sz, avgPx: o.px, oid, cloid: o.cloid } };
    });
    return { status: 'ok', response: { type: 'order', data: { statuses } } };
  }
}
