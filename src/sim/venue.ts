/**
 * The venue's request handling, independent of transport: `/exchange` and `/info` bodies in,
 * `{status, body}` out. HTTP and WebSocket post both call these, so both paths behave alike.
 *
 * Signed actions are verified the way the venue does it (hyperliquid.md §3): the action is
 * rebuilt in canonical key order from the JSON received (canonicalizeAction), the signer is
 * recovered from that hash, and the request acts for that account or for the account that
 * approved the signer as its agent. A signature over different bytes recovers a different
 * address, hence `User or API Wallet 0x… does not exist.`
 */
import { z } from 'zod';
import { canonicalizeVenueAction } from './venue-canonical';
import { WireFormatError } from '../exchange/hyperliquid/format';
import { APPROVE_AGENT_TYPES, APPROVE_BUILDER_FEE_TYPES, recoverL1Signer, recoverUserSignedSigner, type Signature } from '../exchange/hyperliquid/signing';
import { formatZodError } from '../config/zod-error';
import { BuilderFee, Engine, WireOrderIn } from './engine';
import { Ledger, type LedgerWho } from './ledger';
import { LimitConfig, PerMinuteBuckets, chargeAddress, exchangeWeight, infoWeight } from './limits';
import { NonceBook } from './nonces';
import { checkActionWeight } from './action-weight';
import { prevalidateOrders } from './prevalidate';
import * as views from './views';
import * as extra from './views-extra';

export type Chain = 'testnet' | 'mainnet';

/** What a transport sends back: an HTTP status and a JSON body (or plain text for errors). */
export interface VenueReply {
  status: number;
  body: unknown;
}

const TOO_MANY = 'Too Many Requests';

const signatureSchema = z.object({
  r: z.string().regex(/^0x[0-9a-fA-F]{1,64}$/),
  s: z.string().regex(/^0x[0-9a-fA-F]{1,64}$/),
  v: z.number().int(),
});

const envelopeSchema = z.object({
  action: z.object({ type: z.string() }).passthrough(),
  nonce: z.number().int().nonnegative(),
  signature: signatureSchema,
  vaultAddress: z.string().regex(/^0x[0-9a-fA-F]{40}$/).nullish(),
  expiresAfter: z.number().int().nonnegative().nullish(),
});

const approveAgentSchema = z.object({
  type: z.literal('approveAgent'),
  signatureChainId: z.string().regex(/^0x[0-9a-fA-F]+$/),
  hyperliquidChain: z.enum(['Mainnet', 'Testnet']),
  agentAddress: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  agentName: z.string().nullish(),
  nonce: z.number().int().nonnegative(),
});

const approveBuilderFeeSchema = z.object({
  type: z.literal('approveBuilderFee'),
  signatureChainId: z.string().regex(/^0x[0-9a-fA-F]+$/),
  hyperliquidChain: z.enum(['Mainnet', 'Testnet']),
  maxFeeRate: z.string().regex(/^\d+(\.\d+)?%$/, 'must be a percentage such as "0.001%"'),
  builder: z.string().regex(/^0x[0-9a-fA-F]{40}$/),
  nonce: z.number().int().nonnegative(),
});

/** builder fee caps (docs trading/builder-codes): 0.1 % on perps, in tenths of a basis point */
const MAX_PERP_BUILDER_FEE = 100;
const MAX_BUILDER_APPROVAL = 1000;

const addr = z.string().regex(/^0x[0-9a-fA-F]{40}$/);
const infoSchema = z.discriminatedUnion('type', [
  z.object({ type: z.literal('meta'), dex: z.string().optional() }),
  z.object({ type: z.literal('metaAndAssetCtxs'), dex: z.string().optional() }),
  z.object({ type: z.literal('allMids'), dex: z.string().optional() }),
  z.object({ type: z.literal('l2Book'), coin: z.string(), nSigFigs: z.number().nullish(), mantissa: z.number().nullish() }),
  z.object({ type: z.literal('clearinghouseState'), user: addr, dex: z.string().optional() }),
  z.object({ type: z.literal('openOrders'), user: addr, dex: z.string().optional() }),
  z.object({ type: z.literal('frontendOpenOrders'), user: addr, dex: z.string().optional() }),
  z.object({ type: z.literal('orderStatus'), user: addr, oid: z.union([z.number().int().nonnegative(), z.string().regex(/^0x[0-9a-fA-F]{32}$/)]) }),
  z.object({ type: z.literal('userFills'), user: addr, aggregateByTime: z.boolean().optional() }),
  z.object({ type: z.literal('userFillsByTime'), user: addr, startTime: z.number().int(), endTime: z.number().int().nullish(), aggregateByTime: z.boolean().optional() }),
  z.object({ type: z.literal('userRateLimit'), user: addr }),
  z.object({ type: z.literal('historicalOrders'), user: addr }),
  z.object({ type: z.literal('spotMeta') }),
  z.object({ type: z.literal('spotMetaAndAssetCtxs') }),
  z.object({ type: z.literal('perpDexs') }),
  z.object({ type: z.literal('spotClearinghouseState'), user: addr }),
  z.object({ type: z.literal('userAbstraction'), user: addr }),
  z.object({ type: z.literal('userDexAbstraction'), user: addr }),
  z.object({ type: z.literal('userRole'), user: addr }),
  z.object({ type: z.literal('referral'), user: addr }),
  z.object({ type: z.literal('maxBuilderFee'), user: addr, builder: addr }),
  z.object({ type: z.literal('approvedBuilders'), user: addr }),
  z.object({ type: z.literal('extraAgents'), user: addr }),
  z.object({ type: z.literal('userFees'), user: addr }),
  z.object({ type: z.literal('subAccounts'), user: addr }),
  z.object({ type: z.literal('fundingHistory'), coin: z.string(), startTime: z.number().int(), endTime: z.number().int().nullish() }),
  z.object({ type: z.literal('userFunding'), user: addr, startTime: z.number().int(), endTime: z.number().int().nullish() }),
  z.object({ type: z.literal('activeAssetData'), user: addr, coin: z.string() }),
]);
export type InfoRequest = z.infer<typeof infoSchema>;

interface AgentRecord {
  user: string;
  name: string;
  validUntil: number;
}

export class Venue {
  readonly nonces = new NonceBook();
  /** agent address (lowercase) → the account it trades for */
  readonly agents = new Map<string, AgentRecord>();
  /** every signed action accepted or refused, every fill and order update (src/sim/ledger.ts) */
  readonly ledger = new Ledger();
  private readonly ipWeight: PerMinuteBuckets;

  constructor(
    readonly engine: Engine,
    readonly chain: Chain,
    readonly limits: LimitConfig,
  ) {
    this.ipWeight = new PerMinuteBuckets(limits.ipWeightPerMinute);
  }

  get isMainnet(): boolean {
    return this.chain === 'mainnet';
  }

  /** Shared by HTTP and WS post: the injected 429s and the IP weight budget. */
  private admit(ip: string, weight: number): VenueReply | null {
    if (this.engine.faults.take429() || !this.ipWeight.take(ip, weight, this.engine.now())) {
      return { status: 429, body: TOO_MANY };
    }
    return null;
  }

  // ------------------------------------------------------------------ /exchange

  exchange(raw: unknown, ip: string): VenueReply {
    const who: LedgerWho = {};
    const out = this.exchangeUnrecorded(raw, ip, who);
    this.ledger.action(raw, out, who, this.engine);
    return out;
  }

  private exchangeUnrecorded(raw: unknown, ip: string, who: LedgerWho): VenueReply {
    const limited = this.admit(ip, exchangeWeight(batchLength(raw)));
    if (limited) return limited;
    const env = envelopeSchema.safeParse(raw);
    if (!env.success) return deserializeError(formatZodError(env.error));
    const { action, nonce, signature, vaultAddress, expiresAfter } = env.data;
    const now = this.engine.now();
    if (action.type === 'approveAgent') return this.approveAgent(action, nonce, signature, now);
    if (action.type === 'approveBuilderFee') return this.approveBuilderFee(action, nonce, signature, now);

    let canonical: object;
    try {
      canonical = canonicalizeVenueAction(action);
    } catch (e) {
      if (e instanceof WireFormatError) return deserializeError(e.message);
      throw e;
    }
    let signer: string;
    try {
      signer = recoverL1Signer(canonical, nonce, { isMainnet: this.isMainnet, vaultAddress: vaultAddress ?? null, expiresAfter: expiresAfter ?? null }, signature as Signature).toLowerCase();
    } catch (e) {
      if (e instanceof WireFormatError) return rejected('Invalid signature.');
      throw e;
    }
    who.signer = signer;
    const principal = this.principalOf(signer, now);
    if (principal === null) return rejected(`User or API Wallet ${signer} does not exist.`);
    // refused whole before the nonce is used or the address budget charged (TW P8: costs nothing)
    const overWeight = checkActionWeight(canonical as Record<string, unknown>);
    if (overWeight) return rejected(overWeight);
    let user = principal;
    if (vaultAddress) {
      const vault = vaultAddress.toLowerCase();
      if (vault !== principal || !this.engine.account(vault)) return rejected(`Vault not registered: ${vault}`);
      user = vault;
    }
    who.user = user;
    if (expiresAfter !== null && expiresAfter !== undefined && expiresAfter < now) {
      // the venue charges a stale expiresAfter 5× against the address budget
      const acct = this.engine.account(user);
      if (acct) acct.requestsUsed += 5 * Math.max(1, batchLength(raw));
      return rejected(`Action already expired: expiresAfter ${expiresAfter} < block time ${now}`);
    }
    const nonceErr = this.nonces.use(signer, nonce, now);
    if (nonceErr) return rejected(nonceErr);

    const acct = this.engine.ensureAccount(user);
    const a = canonical as Record<string, unknown> & { type: string };
    const isCancel = a.type === 'cancel' || a.type === 'cancelByCloid';
    const budgetErr = chargeAddress(acct, Math.max(1, batchLength({ action: a })), isCancel, this.limits.addressInitialBudget, now);
    if (budgetErr) return rejected(budgetErr);
    if (isCancel && this.engine.faults.refuseCancelsError) return rejected(this.engine.faults.refuseCancelsError);
    return { status: 200, body: this.dispatch(user, a) };
  }

  private dispatch(user: string, a: Record<string, unknown> & { type: string }): unknown {
    const e = this.engine;
    switch (a.type) {
      case 'order': {
        const pre = prevalidateOrders(e, a.orders as WireOrderIn[]);
        if (pre) return err(pre);
        const builder = a.builder as BuilderFee | undefined;
        const builderErr = builder ? this.checkBuilder(user, builder) : null;
        if (builderErr) return err(builderErr);
        const statuses = e.placeOrders(user, a.orders as WireOrderIn[], builder);
        return ok('order', { statuses });
      }
      case 'cancel':
        return ok('cancel', { statuses: e.cancel(user, a.cancels as { a: number; o: number }[]) });
      case 'cancelByCloid':
        return ok('cancel', { statuses: e.cancelByCloid(user, a.cancels as { asset: number; cloid: string }[]) });
      case 'batchModify': {
        const modifies = a.modifies as { oid: number | string; order: WireOrderIn }[];
        const pre = prevalidateOrders(e, modifies.map((m) => m.order));
        if (pre) return err(pre);
        return ok('order', { statuses: e.batchModify(user, modifies, a.a === true) });
      }
      case 'modify': {
        const pre = prevalidateOrders(e, [a.order as WireOrderIn]);
        if (pre) return err(pre);
        const [s] = e.batchModify(user, [{ oid: a.oid as number | string, order: a.order as WireOrderIn }]);
        return 'error' in s ? err(s.error) : ok('default');
      }
      case 'scheduleCancel': {
        const msg = e.scheduleCancel(user, a.time as number | undefined);
        return msg ? err(msg) : ok('default');
      }
      case 'updateLeverage': {
        const msg = e.updateLeverage(user, a.asset as number, a.isCross as boolean, a.leverage as number);
        return msg ? err(msg) : ok('default');
      }
      case 'updateIsolatedMargin': {
        const msg = e.updateIsolatedMargin(user, a.asset as number, a.ntli as number);
        return msg ? err(msg) : ok('default');
      }
      case 'setReferrer': {
        // accepted and recorded; the sim has no referral codes to check it against
        e.ensureAccount(user).referralCode = a.code as string;
        return ok('default');
      }
      case 'noop':
        return ok('default');
      default:
        return err(`Unsupported action type in the simulator: ${a.type}`);
    }
  }

  /** The account a signer acts for: itself when it is an account, else the account that approved it. */
  principalOf(signer: string, now: number): string | null {
    if (this.engine.account(signer)) return signer;
    const grant = this.agents.get(signer);
    if (grant && grant.validUntil > now && this.engine.account(grant.user)) return grant.user;
    return null;
  }

  private approveAgent(rawAction: unknown, nonce: number, signature: z.infer<typeof signatureSchema>, now: number): VenueReply {
    const parsed = approveAgentSchema.safeParse(rawAction);
    if (!parsed.success) return deserializeError(formatZodError(parsed.error));
    const action = parsed.data;
    if (action.nonce !== nonce) return rejected('Invalid nonce: the action nonce must equal the request nonce');
    const expected = this.isMainnet ? 'Mainnet' : 'Testnet';
    if (action.hyperliquidChain !== expected) return rejected(`Invalid hyperliquidChain ${action.hyperliquidChain}: this venue is ${expected}`);
    const name = action.agentName ?? '';
    let signer: string;
    try {
      const signed = { ...action, agentName: name };
      signer = recoverUserSignedSigner(signed, APPROVE_AGENT_TYPES, signature as Signature).toLowerCase();
    } catch (e) {
      if (e instanceof WireFormatError) return rejected('Invalid signature.');
      throw e;
    }
    if (!this.engine.account(signer)) return rejected(`Must deposit before performing actions. User: ${signer}`);
    const nonceErr = this.nonces.use(signer, nonce, now);
    if (nonceErr) return rejected(nonceErr);
    const agent = action.agentAddress.toLowerCase();
    // approving a new agent under the same name (or a new unnamed one) replaces the old one
    for (const [a, g] of this.agents) if (g.user === signer && g.name === name) this.agents.delete(a);
    const m = /valid_until (\d+)/.exec(name);
    this.agents.set(agent, { user: signer, name, validUntil: m ? Number(m[1]) : Number.POSITIVE_INFINITY });
    return { status: 200, body: ok('default') };
  }

  /** An order's builder fee must be approved by the user at least at that rate (docs trading/builder-codes). */
  private checkBuilder(user: string, builder: BuilderFee): string | null {
    if (builder.f > MAX_PERP_BUILDER_FEE) return `Builder fee ${builder.f} is above the perp maximum of ${MAX_PERP_BUILDER_FEE} (0.1%).`;
    const approved = this.engine.account(user)?.builderApprovals.get(builder.b.toLowerCase());
    if (approved === undefined || approved < builder.f) return 'Builder fee has not been approved.';
    return null;
  }

  /** User-signed, by the account itself (an agent cannot approve fees): records the builder's maximum fee. */
  private approveBuilderFee(rawAction: unknown, nonce: number, signature: z.infer<typeof signatureSchema>, now: number): VenueReply {
    const parsed = approveBuilderFeeSchema.safeParse(rawAction);
    if (!parsed.success) return deserializeError(formatZodError(parsed.error));
    const action = parsed.data;
    if (action.nonce !== nonce) return rejected('Invalid nonce: the action nonce must equal the request nonce');
    const expected = this.isMainnet ? 'Mainnet' : 'Testnet';
    if (action.hyperliquidChain !== expected) return rejected(`Invalid hyperliquidChain ${action.hyperliquidChain}: this venue is ${expected}`);
    let signer: string;
    try {
      signer = recoverUserSignedSigner(action, APPROVE_BUILDER_FEE_TYPES, signature as Signature).toLowerCase();
    } catch (e) {
      if (e instanceof WireFormatError) return rejected('Invalid signature.');
      throw e;
    }
    const acct = this.engine.account(signer);
    if (!acct) return rejected(`Must deposit before performing actions. User: ${signer}`);
    const nonceErr = this.nonces.use(signer, nonce, now);
    if (nonceErr) return rejected(nonceErr);
    const tenthsBp = percentToTenthsBp(action.maxFeeRate);
    if (tenthsBp === null || tenthsBp > MAX_BUILDER_APPROVAL) return rejected(`Invalid max fee rate ${action.maxFeeRate}`);
    acct.builderApprovals.set(action.builder.toLowerCase(), tenthsBp);
    return { status: 200, body: ok('default') };
  }

  // ------------------------------------------------------------------ /info

  info(raw: unknown, ip: string): VenueReply {
    const type = typeof raw === 'object' && raw !== null ? (raw as { type?: unknown }).type : undefined;
    const limited = this.admit(ip, infoWeight(typeof type === 'string' ? type : ''));
    if (limited) return limited;
    const parsed = infoSchema.safeParse(raw);
    if (!parsed.success) return deserializeError(formatZodError(parsed.error));
    return { status: 200, body: this.infoData(parsed.data) };
  }

  infoData(req: InfoRequest): unknown {
    const e = this.engine;
    switch (req.type) {
      case 'meta':
        return views.meta(e);
      case 'metaAndAssetCtxs':
        return views.metaAndAssetCtxs(e);
      case 'allMids':
        return views.allMids(e);
      case 'l2Book':
        return views.l2Book(e, req.coin);
      case 'clearinghouseState':
        return views.clearinghouseState(e, req.user);
      case 'openOrders':
        return views.openOrders(e, req.user);
      case 'frontendOpenOrders':
        return views.frontendOpenOrders(e, req.user);
      case 'orderStatus':
        return views.orderStatus(e, req.user, req.oid);
      case 'userFills':
        return views.userFills(e, req.user);
      case 'userFillsByTime':
        return views.userFillsByTime(e, req.user, req.startTime, req.endTime ?? undefined);
      case 'userRateLimit':
        return views.userRateLimit(e, req.user, this.limits.addressInitialBudget);
      case 'historicalOrders':
        return views.historicalOrders(e, req.user);
      case 'spotMeta':
        return extra.spotMeta();
      case 'spotMetaAndAssetCtxs':
        return extra.spotMetaAndAssetCtxs();
      case 'perpDexs':
        return extra.perpDexs();
      case 'spotClearinghouseState':
        return extra.spotClearinghouseState();
      case 'userAbstraction':
        return extra.userAbstraction();
      case 'userDexAbstraction':
        return extra.userDexAbstraction();
      case 'userRole':
        return extra.userRole(e, req.user);
      case 'referral':
        return extra.referral(e, req.user);
      case 'maxBuilderFee':
        return extra.maxBuilderFee(e, req.user, req.builder);
      case 'approvedBuilders':
        return extra.approvedBuilders(e, req.user);
      case 'extraAgents':
        return extra.extraAgents([...this.agents.entries()].filter(([, g]) => g.user === req.user.toLowerCase()).map(([address, g]) => ({ address, name: g.name, validUntil: g.validUntil })));
      case 'userFees':
        return extra.userFees(e);
      case 'subAccounts':
        // no sub-accounts are simulated
        return null;
      case 'fundingHistory':
      case 'userFunding':
        // funding is not simulated: no funding rows exist
        return [];
      case 'activeAssetData':
        return views.activeAssetData(e, req.user, req.coin);
    }
  }
}

function ok(type: string, data?: unknown) {
  return data === undefined ? { status: 'ok', response: { type } } : { status: 'ok', response: { type, data } };
}

/** HTTP 200 with status err: how the venue refuses a signed action */
function rejected(message: string): VenueReply {
  return { status: 200, body: err(message) };
}

function err(message: string) {
  return { status: 'err', response: message };
}

/** The venue answers a body it cannot read with HTTP 422 and this text. */
function deserializeError(detail: string): VenueReply {
  return { status: 422, body: `Failed to deserialize the JSON body into the target type: ${detail}` };
}

/** Orders / cancels / modifies in the action (1 for anything else) — for weights and the address budget. */
function batchLength(raw: unknown): number {
  const a = typeof raw === 'object' && raw !== null ? (raw as { action?: Record<string, unknown> }).action : undefined;
  if (!a || typeof a !== 'object') return 1;
  const list = a.orders ?? a.cancels ?? a.modifies;
  return Array.isArray(list) ? list.length : 1;
}

/** "0.001%" → 1 (tenths of a basis point); null when it is not a whole number of tenths */
function percentToTenthsBp(rate: string): number | null {
  const m = /^(\d+)(?:\.(\d+))?%$/.exec(rate);
  if (!m) return null;
  const frac = (m[2] ?? '').replace(/0+$/, '');
  if (frac.length > 3) return null;
  return Number(m[1]) * 1000 + Number(frac.padEnd(3, '0') || '0');
}
