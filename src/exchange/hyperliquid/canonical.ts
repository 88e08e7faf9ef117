/**
 * Rebuilds an action received as JSON (a CLI payload, a replayed request) in the canonical key
 * order — the order the venue rebuilds and hashes. JSON.parse keeps the sender's key order, so
 * signing parsed JSON as-is signs whatever order the sender happened to use.
 *
 * Unknown keys and unknown action types are refused (fail closed), with the field named.
 */
import { WireFormatError } from './format';
import {
  batchModifyAction,
  cancelAction,
  cancelByCloidAction,
  checkBool,
  checkCloid,
  checkUint,
  checkWireDecimal,
  noopAction,
  orderAction,
  scheduleCancelAction,
  updateLeverageAction,
  type OrderSpec,
  type OrderWire,
  type Tif,
} from './actions';

type Json = Record<string, unknown>;

function obj(v: unknown, field: string): Json {
  if (v === null || typeof v !== 'object' || Array.isArray(v)) throw new WireFormatError(field || '(root)', 'must be an object');
  return v as Json;
}

function arr(v: unknown, field: string): unknown[] {
  if (!Array.isArray(v)) throw new WireFormatError(field, 'must be an array');
  return v;
}

function onlyKeys(o: Json, allowed: readonly string[], field: string): void {
  for (const k of Object.keys(o)) {
    if (!allowed.includes(k)) throw new WireFormatError(field ? `${field}.${k}` : k, 'unknown field (the venue would hash a different action)');
  }
}

/** `true` flags are kept; `false`/`null` are rejected because the venue refuses them hashed. */
function optionalTrue(o: Json, key: string, field: string): boolean {
  if (!(key in o) || o[key] === undefined) return false;
  if (o[key] !== true) throw new WireFormatError(field ? `${field}.${key}` : key, 'must be true or omitted (false/null is rejected by the venue)');
  return true;
}

/** Order wire JSON ({a,b,p,s,r,t,c?}) → OrderSpec, validated. */
function orderSpecFromWire(v: unknown, field: string): OrderSpec {
  const o = obj(v, field);
  onlyKeys(o, ['a', 'b', 'p', 's', 'r', 't', 'c'], field);
  const t = obj(o.t, `${field}.t`);
  const spec: OrderSpec = {
    asset: checkUint(o.a, `${field}.a`),
    isBuy: checkBool(o.b, `${field}.b`),
    px: checkWireDecimal(o.p, `${field}.p`),
    sz: checkWireDecimal(o.s, `${field}.s`),
    reduceOnly: checkBool(o.r, `${field}.r`),
  };
  const kinds = Object.keys(t);
  if (kinds.length !== 1 || (kinds[0] !== 'limit' && kinds[0] !== 'trigger')) {
    throw new WireFormatError(`${field}.t`, 'must be exactly one of {limit} or {trigger}');
  }
  if (kinds[0] === 'limit') {
    const l = obj(t.limit, `${field}.t.limit`);
    onlyKeys(l, ['tif'], `${field}.t.limit`);
    if (l.tif !== 'Gtc' && l.tif !== 'Ioc' && l.tif !== 'Alo') throw new WireFormatError(`${field}.t.limit.tif`, `must be Gtc, Ioc or Alo, got ${JSON.stringify(l.tif)}`);
    spec.tif = l.tif as Tif;
  } else {
    const tr = obj(t.trigger, `${field}.t.trigger`);
    onlyKeys(tr, ['isMarket', 'triggerPx', 'tpsl'], `${field}.t.trigger`);
    if (tr.tpsl !== 'tp' && tr.tpsl !== 'sl') throw new WireFormatError(`${field}.t.trigger.tpsl`, `must be tp or sl, got ${JSON.stringify(tr.tpsl)}`);
    spec.trigger = {
      isMarket: checkBool(tr.isMarket, `${field}.t.trigger.isMarket`),
      triggerPx: checkWireDecimal(tr.triggerPx, `${field}.t.trigger.triggerPx`),
      tpsl: tr.tpsl,
    };
  }
  if (o.c !== undefined) spec.cloid = checkCloid(o.c, `${field}.c`);
  return spec;
}

function modifyOid(v: unknown, field: string): number | string {
  return typeof v === 'string' ? checkCloid(v, field) : checkUint(v, field);
}

export function canonicalizeAction(json: unknown): object {
  const a = obj(json, 'action');
  const type = a.type;
  switch (type) {
    case 'order': {
      onlyKeys(a, ['type', 'orders', 'grouping', 'builder'], '');
      const orders = arr(a.orders, 'orders').map((o, i) => orderSpecFromWire(o, `orders.${i}`));
      let builder: { b: string; f: number } | undefined;
      if (a.builder !== undefined) {
        const b = obj(a.builder, 'builder');
        onlyKeys(b, ['b', 'f'], 'builder');
        builder = { b: b.b as string, f: b.f as number };
      }
      if (a.grouping === undefined) throw new WireFormatError('grouping', 'is required (na, normalTpsl, positionTpsl or {p})');
      return orderAction(orders, { grouping: a.grouping as never, ...(builder ? { builder } : {}) });
    }
    case 'cancel': {
      onlyKeys(a, ['type', 'cancels', 'f'], '');
      const cancels = arr(a.cancels, 'cancels').map((c, i) => {
        const o = obj(c, `cancels.${i}`);
        onlyKeys(o, ['a', 'o'], `cancels.${i}`);
        return { asset: checkUint(o.a, `cancels.${i}.a`), oid: checkUint(o.o, `cancels.${i}.o`) };
      });
      return cancelAction(cancels, { fast: optionalTrue(a, 'f', '') });
    }
    case 'cancelByCloid': {
      onlyKeys(a, ['type', 'cancels', 'f'], '');
      const cancels = arr(a.cancels, 'cancels').map((c, i) => {
        const o = obj(c, `cancels.${i}`);
        onlyKeys(o, ['asset', 'cloid'], `cancels.${i}`);
        return { asset: checkUint(o.asset, `cancels.${i}.asset`), cloid: checkCloid(o.cloid, `cancels.${i}.cloid`) };
      });
      return cancelByCloidAction(cancels, { fast: optionalTrue(a, 'f', '') });
    }
    case 'batchModify': {
      onlyKeys(a, ['type', 'modifies', 'a'], '');
      const modifies = arr(a.modifies, 'modifies').map((m, i) => {
        const o = obj(m, `modifies.${i}`);
        onlyKeys(o, ['oid', 'order'], `modifies.${i}`);
        return { oid: modifyOid(o.oid, `modifies.${i}.oid`), order: orderSpecFromWire(o.order, `modifies.${i}.order`) };
      });
      return batchModifyAction(modifies, { alwaysPlace: optionalTrue(a, 'a', '') });
    }
    case 'modify': {
      onlyKeys(a, ['type', 'oid', 'order'], '');
      const oid = modifyOid(a.oid, 'oid');
      const spec = orderSpecFromWire(a.order, 'order');
      const built = batchModifyAction([{ oid, order: spec }]).modifies[0] as { oid: number | string; order: OrderWire };
      return { type: 'modify', oid: built.oid, order: built.order };
    }
    case 'scheduleCancel': {
      onlyKeys(a, ['type', 'time'], '');
      return scheduleCancelAction(a.time === undefined ? undefined : checkUint(a.time, 'time'));
    }
    case 'updateLeverage': {
      onlyKeys(a, ['type', 'asset', 'isCross', 'leverage'], '');
      return updateLeverageAction(a.asset as number, a.isCross as boolean, a.leverage as number);
    }
    case 'updateIsolatedMargin': {
      onlyKeys(a, ['type', 'asset', 'isBuy', 'ntli'], '');
      if (typeof a.ntli !== 'number' || !Number.isSafeInteger(a.ntli)) throw new WireFormatError('ntli', 'must be a safe integer (usd × 1e6)');
      return { type: 'updateIsolatedMargin', asset: checkUint(a.asset, 'asset'), isBuy: checkBool(a.isBuy, 'isBuy'), ntli: a.ntli };
    }
    case 'noop': {
      onlyKeys(a, ['type'], '');
      return noopAction();
    }
    default:
      throw new WireFormatError('type', `unsupported action type ${JSON.stringify(type) ?? String(type)}`);
  }
}
