/**
 * What `orderStatus` and `historicalOrders` can still answer for. The venue keeps a record for
 * roughly the account's last 2,000 orders, by count not age (TW order-status retention probe:
 * a market maker lost a filled order's record within 7 minutes, an idle account kept 980-day-old
 * ones); an open order always answers. Rejected orders get a record too (statuses such as
 * `iocCancelRejected`, `perpMarginRejected`); whether they count against the window is not
 * settled by a source — here they do.
 */
import type { SimOrder } from './types';

export const RETAINED_ORDERS_PER_ACCOUNT = 2000;

export class OrderHistory {
  /** oid → record, every account */
  private readonly byOid = new Map<number, SimOrder>();
  /** user → oids, oldest first */
  private readonly perUser = new Map<string, number[]>();
  /** user → lowercase cloid → latest oid with that cloid */
  private readonly cloids = new Map<string, Map<string, number>>();

  constructor(
    private readonly isOpen: (o: SimOrder) => boolean,
    private readonly keep = RETAINED_ORDERS_PER_ACCOUNT,
  ) {}

  add(o: SimOrder): void {
    this.byOid.set(o.oid, o);
    let list = this.perUser.get(o.user);
    if (!list) {
      list = [];
      this.perUser.set(o.user, list);
    }
    list.push(o.oid);
    if (o.cloid) this.cloidsOf(o.user).set(o.cloid.toLowerCase(), o.oid);
    this.trim(o.user, list);
  }

  /** records held, every account */
  get size(): number {
    return this.byOid.size;
  }

  get(oid: number): SimOrder | undefined {
    return this.byOid.get(oid);
  }

  oidForCloid(user: string, cloid: string): number | undefined {
    return this.cloids.get(user.toLowerCase())?.get(cloid.toLowerCase());
  }

  /** newest first, at most `n` */
  recent(user: string, n: number): SimOrder[] {
    const list = this.perUser.get(user.toLowerCase()) ?? [];
    const out: SimOrder[] = [];
    for (let i = list.length - 1; i >= 0 && out.length < n; i--) out.push(this.byOid.get(list[i])!);
    return out;
  }

  /** Forget the oldest records past the window; open orders are skipped, never forgotten. */
  private trim(user: string, list: number[]): void {
    while (list.length > this.keep) {
      const idx = list.findIndex((oid) => !this.isOpen(this.byOid.get(oid)!));
      if (idx < 0) return;
      const [oid] = list.splice(idx, 1);
      const o = this.byOid.get(oid)!;
      this.byOid.delete(oid);
      const cl = o.cloid ? this.cloids.get(user) : undefined;
      if (cl && cl.get(o.cloid!.toLowerCase()) === oid) cl.delete(o.cloid!.toLowerCase());
    }
  }

  private cloidsOf(user: string): Map<string, number> {
    let m = this.cloids.get(user);
    if (!m) {
      m = new Map();
      this.cloids.set(user, m);
    }
    return m;
  }
}
