/**
 * How the venue reads an action before hashing it: the foundation's canonicalizeAction gives the
 * key order, but it refuses strings our own client never sends and the venue accepts as they are —
 * a zero or trailing-zero decimal (`"0"`, `"100.0"`), an upper-case cloid — and an empty batch.
 * The venue hashes such strings verbatim and judges them afterwards (`Order has zero size.`, a
 * pre-validation error, …), so here they pass through to the hash unchanged: a placeholder goes
 * through canonicalizeAction and the original string is put back in its place.
 */
import { canonicalizeAction } from '../exchange/hyperliquid/canonical';

const DECIMAL_RE = /^\d+(\.\d+)?$/;
const CLOID_ANY_CASE_RE = /^0x[0-9a-fA-F]{32}$/;

type Obj = Record<string, unknown>;
const isObj = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);

/** A copy of an order wire with lenient strings swapped for placeholders, and how to put them back. */
function swapOrder(o: unknown): { order: unknown; restore: (canon: Obj) => void } {
  if (!isObj(o)) return { order: o, restore: () => undefined };
  const copy: Obj = { ...o };
  const back: ((c: Obj) => void)[] = [];
  for (const k of ['p', 's'] as const) {
    const v = o[k];
    if (typeof v === 'string' && DECIMAL_RE.test(v)) {
      copy[k] = '1';
      back.push((c) => (c[k] = v));
    }
  }
  if (typeof o.c === 'string' && CLOID_ANY_CASE_RE.test(o.c)) {
    const v = o.c;
    copy.c = v.toLowerCase();
    back.push((c) => (c.c = v));
  }
  return { order: copy, restore: (c) => back.forEach((f) => f(c)) };
}

export function canonicalizeVenueAction(action: Obj & { type: string }): object {
  if (action.type === 'order' && Array.isArray(action.orders)) {
    if (action.orders.length === 0) {
      if (Object.keys(action).every((k) => ['type', 'orders', 'grouping'].includes(k)) && typeof action.grouping === 'string') {
        return { type: 'order', orders: [], grouping: action.grouping };
      }
      return canonicalizeAction(action);
    }
    const swaps = action.orders.map(swapOrder);
    const canon = canonicalizeAction({ ...action, orders: swaps.map((s) => s.order) }) as { orders: Obj[] };
    swaps.forEach((s, i) => s.restore(canon.orders[i]));
    return canon;
  }
  if (action.type === 'batchModify' && Array.isArray(action.modifies)) {
    if (action.modifies.length === 0 && Object.keys(action).length === 2) return { type: 'batchModify', modifies: [] };
    const swaps = action.modifies.map((m) => (isObj(m) ? swapOrder(m.order) : swapOrder(undefined)));
    const modifies = action.modifies.map((m, i) => (isObj(m) ? { ...m, order: swaps[i].order } : m));
    const canon = canonicalizeAction({ ...action, modifies }) as { modifies: { order: Obj }[] };
    swaps.forEach((s, i) => s.restore(canon.modifies[i].order));
    return canon;
  }
  if (action.type === 'modify' && isObj(action.order)) {
    const swap = swapOrder(action.order);
    const canon = canonicalizeAction({ ...action, order: swap.order }) as { order: Obj };
    swap.restore(canon.order);
    return canon;
  }
  if (action.type === 'cancelByCloid' && Array.isArray(action.cancels)) {
    const originals = action.cancels.map((c) => (isObj(c) && typeof c.cloid === 'string' && CLOID_ANY_CASE_RE.test(c.cloid) ? c.cloid : null));
    const cancels = action.cancels.map((c, i) => (originals[i] !== null ? { ...(c as Obj), cloid: originals[i]!.toLowerCase() } : c));
    const canon = canonicalizeAction({ ...action, cancels }) as { cancels: Obj[] };
    originals.forEach((v, i) => {
      if (v !== null) canon.cancels[i].cloid = v;
    });
    return canon;
  }
  if (action.type === 'setReferrer' && typeof action.code === 'string' && Object.keys(action).length === 2) {
    return { type: 'setReferrer', code: action.code };
  }
  return canonicalizeAction(action);
}
