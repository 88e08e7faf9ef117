/**
 * Builders for the L1 actions the executor signs. Each returns a plain object whose key
 * insertion order IS the hashed order (msgpack keeps insertion order): the venue rebuilds the
 * action in this order from the JSON and hashes that, so any other order signs different bytes.
 *
 * Optional flags (cancel `f`, batchModify `a`, order `c`, `builder`, scheduleCancel `time`) are
 * omitted when unused — the venue rejects an action hashed with `false`/`null` in their place.
 * Inputs are checked here (fail closed): a malformed price never reaches the signer.
 */
import { WireFormatError, isCanonicalDecimal } from './format';

export type Tif = 'Gtc' | 'Ioc' | 'Alo';
export type Tpsl = 'tp' | 'sl';
export type Grouping = 'na' | 'normalTpsl' | 'positionTpsl' | { p: number };

export interface OrderSpec {
  asset: number;
  isBuy: boolean;
  /** canonical wire price (see format.ts) */
  px: string;
  /** canonical wire size */
  sz: string;
  reduceOnly: boolean;
  /** limit time-in-force; default Gtc. Ignored when `trigger` is set. */
  tif?: Tif;
  trigger?: { isMarket: boolean; triggerPx: string; tpsl: Tpsl };
  /** 0x + 32 lowercase hex */
  cloid?: string;
}

export interface BuilderFee {
  /** builder address (lowercased on the wire) */
  b: string;
  /** fee in tenths of a basis point */
  f: number;
}

export type LimitWire = { limit: { tif: Tif } };
export type TriggerWire = { trigger: { isMarket: boolean; triggerPx: string; tpsl: Tpsl } };
export interface OrderWire {
  a: number;
  b: boolean;
  p: string;
  s: string;
  r: boolean;
  t: LimitWire | TriggerWire;
  c?: string;
}
export interface OrderAction {
  type: 'order';
  orders: OrderWire[];
  grouping: Grouping;
  builder?: BuilderFee;
}
export interface CancelAction {
  type: 'cancel';
  cancels: { a: number; o: number }[];
  f?: true;
}
export interface CancelByCloidAction {
  type: 'cancelByCloid';
  cancels: { asset: number; cloid: string }[];
  f?: true;
}
export interface BatchModifyAction {
  type: 'batchModify';
  modifies: { oid: number | string; order: OrderWire }[];
  a?: true;
}
export interface ScheduleCancelAction {
  type: 'scheduleCancel';
  time?: number;
}
export interface UpdateLeverageAction {
  type: 'updateLeverage';
  asset: number;
  isCross: boolean;
  leverage: number;
}
export interface NoopAction {
  type: 'noop';
}
export type L1Action =
  | OrderAction
  | CancelAction
  | CancelByCloidAction
  | BatchModifyAction
  | ScheduleCancelAction
  | UpdateLeverageAction
  | NoopAction;

const CLOID_RE = /^0x[0-9a-f]{32}$/;
const ADDRESS_RE = /^0x[0-9a-fA-F]{40}$/;
const TIFS: ReadonlySet<string> = new Set(['Gtc', 'Ioc', 'Alo']);

export function checkUint(v: unknown, field: string): number {
  if (typeof v !== 'number' || !Number.isSafeInteger(v) || v < 0) {
    throw new WireFormatError(field, `must be a non-negative safe integer, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return v;
}

export function checkBool(v: unknown, field: string): boolean {
  if (typeof v !== 'boolean') throw new WireFormatError(field, `must be a boolean, got ${JSON.stringify(v) ?? String(v)}`);
  return v;
}

/** A positive decimal string in canonical spelling (no trailing zeros, no exponent). */
export function checkWireDecimal(v: unknown, field: string): string {
  if (typeof v !== 'string' || !isCanonicalDecimal(v) || /^0(\.0*)?$/.test(v)) {
    throw new WireFormatError(field, `must be a positive decimal string without trailing zeros or exponent, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return v;
}

export function checkCloid(v: unknown, field: string): string {
  if (typeof v !== 'string' || !CLOID_RE.test(v)) {
    throw new WireFormatError(field, `must be 0x followed by 32 lowercase hex digits, got ${JSON.stringify(v) ?? String(v)}`);
  }
  return v;
}

/** Addresses are hashed lowercased (what the venue re-serializes). */
export function checkAddress(v: unknown, field: string): string {
  if (typeof v !== 'string' || !ADDRESS_RE.test(v)) throw new WireFormatError(field, `must be a 0x-prefixed 20-byte hex address, got ${JSON.stringify(v) ?? String(v)}`);
  return v.toLowerCase();
}

export function orderWire(o: OrderSpec, field = 'order'): OrderWire {
  if (o === null || typeof o !== 'object') throw new WireFormatError(field, 'must be an object');
  let t: LimitWire | TriggerWire;
  if (o.trigger !== undefined) {
    const tr = o.trigger;
    if (tr === null || typeof tr !== 'object') throw new WireFormatError(`${field}.trigger`, 'must be an object');
    if (tr.tpsl !== 'tp' && tr.tpsl !== 'sl') throw new WireFormatError(`${field}.trigger.tpsl`, `must be tp or sl, got ${JSON.stringify(tr.tpsl)}`);
    t = {
      trigger: {
        isMarket: checkBool(tr.isMarket, `${field}.trigger.isMarket`),
        triggerPx: checkWireDecimal(tr.triggerPx, `${field}.trigger.triggerPx`),
        tpsl: tr.tpsl,
      },
    };
  } else {
    const tif = o.tif ?? 'Gtc';
    if (!TIFS.has(tif)) throw new WireFormatError(`${field}.tif`, `must be Gtc, Ioc or Alo, got ${JSON.stringify(tif)}`);
    t = { limit: { tif } };
  }
  const w: OrderWire = {
    a: checkUint(o.asset, `${field}.asset`),
    b: checkBool(o.isBuy, `${field}.isBuy`),
    p: checkWireDecimal(o.px, `${field}.px`),
    s: checkWireDecimal(o.sz, `${field}.sz`),
    r: checkBool(o.reduceOnly, `${field}.reduceOnly`),
    t,
  };
  if (o.cloid !== undefined) w.c = checkCloid(o.cloid, `${field}.cloid`);
  return w;
}

function checkGrouping(g: unknown): Grouping {
  if (g === 'na' || g === 'normalTpsl' || g === 'positionTpsl') return g;
  if (g !== null && typeof g === 'object' && Object.keys(g).length === 1 && 'p' in g) return { p: checkUint((g as { p: unknown }).p, 'grouping.p') };
  throw new WireFormatError('grouping', `must be na, normalTpsl, positionTpsl or {p: n}, got ${JSON.stringify(g)}`);
}

function checkNonEmpty(list: unknown, field: string): unknown[] {
  if (!Array.isArray(list) || list.length === 0) throw new WireFormatError(field, 'must be a non-empty array');
  return list;
}

export function orderAction(orders: OrderSpec[], opts?: { grouping?: Grouping; builder?: BuilderFee }): OrderAction {
  checkNonEmpty(orders, 'orders');
  const action: OrderAction = {
    type: 'order',
    orders: orders.map((o, i) => orderWire(o, `orders.${i}`)),
    grouping: checkGrouping(opts?.grouping ?? 'na'),
  };
  if (opts?.builder !== undefined) {
    action.builder = { b: checkAddress(opts.builder.b, 'builder.b'), f: checkUint(opts.builder.f, 'builder.f') };
  }
  return action;
}

export function cancelAction(cancels: { asset: number; oid: number }[], opts?: { fast?: boolean }): CancelAction {
  checkNonEmpty(cancels, 'cancels');
  const action: CancelAction = {
    type: 'cancel',
    cancels: cancels.map((c, i) => ({ a: checkUint(c.asset, `cancels.${i}.asset`), o: checkUint(c.oid, `cancels.${i}.oid`) })),
  };
  if (opts?.fast === true) action.f = true;
  return action;
}

export function cancelByCloidAction(cancels: { asset: number; cloid: string }[], opts?: { fast?: boolean }): CancelByCloidAction {
  checkNonEmpty(cancels, 'cancels');
  const action: CancelByCloidAction = {
    type: 'cancelByCloid',
    cancels: cancels.map((c, i) => ({ asset: checkUint(c.asset, `cancels.${i}.asset`), cloid: checkCloid(c.cloid, `cancels.${i}.cloid`) })),
  };
  if (opts?.fast === true) action.f = true;
  return action;
}

/** `oid` is a venue order id or a cloid string. */
export function batchModifyAction(modifies: { oid: number | string; order: OrderSpec }[], opts?: { alwaysPlace?: boolean }): BatchModifyAction {
  checkNonEmpty(modifies, 'modifies');
  const action: BatchModifyAction = {
    type: 'batchModify',
    modifies: modifies.map((m, i) => ({
      oid: typeof m.oid === 'string' ? checkCloid(m.oid, `modifies.${i}.oid`) : checkUint(m.oid, `modifies.${i}.oid`),
      order: orderWire(m.order, `modifies.${i}.order`),
    })),
  };
  if (opts?.alwaysPlace === true) action.a = true;
  return action;
}

/** With `time` (ms): cancel everything at that time; without: clear the schedule. */
export function scheduleCancelAction(time?: number): ScheduleCancelAction {
  const action: ScheduleCancelAction = { type: 'scheduleCancel' };
  if (time !== undefined) action.time = checkUint(time, 'time');
  return action;
}

export function updateLeverageAction(asset: number, isCross: boolean, leverage: number): UpdateLeverageAction {
  const lev = checkUint(leverage, 'leverage');
  if (lev < 1) throw new WireFormatError('leverage', 'must be at least 1');
  return { type: 'updateLeverage', asset: checkUint(asset, 'asset'), isCross: checkBool(isCross, 'isCross'), leverage: lev };
}

export function noopAction(): NoopAction {
  return { type: 'noop' };
}

// ---------------------------------------------------------------------------------------------
// User-signed actions (signed with signUserSignedAction and the matching types in signing.ts).
// `hyperliquidChain` is what stops a testnet signature being replayed on mainnet; the
// signatureChainId only picks the EIP-712 domain (the Python SDK always uses 0x66eee).

export interface UserSignedOpts {
  isMainnet: boolean;
  signatureChainId?: string;
}

// type aliases (not interfaces) so they are assignable to signing's UserSignedActionLike
export type UsdSendAction = {
  type: 'usdSend';
  signatureChainId: string;
  hyperliquidChain: 'Mainnet' | 'Testnet';
  destination: string;
  amount: string;
  time: number;
};
export type Withdraw3Action = Omit<UsdSendAction, 'type'> & { type: 'withdraw3' };
export type ApproveAgentAction = {
  type: 'approveAgent';
  signatureChainId: string;
  hyperliquidChain: 'Mainnet' | 'Testnet';
  agentAddress: string;
  agentName: string;
  nonce: number;
};

const DEFAULT_SIGNATURE_CHAIN_ID = '0x66eee';

function chainOf(opts: UserSignedOpts): { signatureChainId: string; hyperliquidChain: 'Mainnet' | 'Testnet' } {
  if (opts === null || typeof opts !== 'object' || typeof opts.isMainnet !== 'boolean') throw new WireFormatError('isMainnet', 'must be a boolean');
  const signatureChainId = opts.signatureChainId ?? DEFAULT_SIGNATURE_CHAIN_ID;
  if (!/^0x[0-9a-f]+$/.test(signatureChainId)) throw new WireFormatError('signatureChainId', 'must be lowercase 0x-prefixed hex');
  return { signatureChainId, hyperliquidChain: opts.isMainnet ? 'Mainnet' : 'Testnet' };
}

function transfer<T extends 'usdSend' | 'withdraw3'>(type: T, p: { destination: string; amount: string; time: number }, opts: UserSignedOpts) {
  return {
    type,
    ...chainOf(opts),
    destination: checkAddress(p.destination, 'destination'),
    amount: checkWireDecimal(p.amount, 'amount'),
    time: checkUint(p.time, 'time'),
  };
}

/** USDC transfer to another address; `time` must equal the request nonce. */
export function usdSendAction(p: { destination: string; amount: string; time: number }, opts: UserSignedOpts): UsdSendAction {
  return transfer('usdSend', p, opts);
}

/** Withdrawal to Arbitrum; `time` must equal the request nonce. */
export function withdraw3Action(p: { destination: string; amount: string; time: number }, opts: UserSignedOpts): Withdraw3Action {
  return transfer('withdraw3', p, opts);
}

/**
 * Approves an agent (API wallet). An unnamed agent is signed with agentName "" and, as the Python
 * SDK does, the empty name is dropped from the posted JSON (see approveAgentPostAction).
 */
export function approveAgentAction(p: { agentAddress: string; agentName?: string; nonce: number }, opts: UserSignedOpts): ApproveAgentAction {
  const agentName = p.agentName ?? '';
  if (typeof agentName !== 'string') throw new WireFormatError('agentName', 'must be a string');
  return {
    type: 'approveAgent',
    ...chainOf(opts),
    agentAddress: checkAddress(p.agentAddress, 'agentAddress'),
    agentName,
    nonce: checkUint(p.nonce, 'nonce'),
  };
}

/** The approveAgent action as posted: without agentName when unnamed. */
export function approveAgentPostAction(a: ApproveAgentAction): Omit<ApproveAgentAction, 'agentName'> & { agentName?: string } {
  if (a.agentName !== '') return a;
  const { agentName: _unnamed, ...rest } = a;
  return rest;
}
