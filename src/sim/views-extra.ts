/**
 * The /info answers clients ask for at start-up or in passing, in the venue's shapes, for a
 * perp-only venue: no spot universe (only the USDC collateral token), the one default perp dex
 * (`perpDexs` → `[null]`), no funding payments, referral and builder-fee state as recorded.
 * Shapes follow the venue docs and the @nktkas/hyperliquid response types.
 */
import type { Engine } from './engine';
import { fxStr, venueNum, wireUsd } from './money';

/** The collateral token (index 0 = USDC, as `meta.collateralToken` says). */
const USDC_TOKEN = {
  name: 'USDC',
  szDecimals: 8,
  weiDecimals: 8,
  index: 0,
  tokenId: '0x6d1e7cde53ba9467b783cb7c530ce054',
  isCanonical: true,
  evmContract: null,
  fullName: null,
  deployerTradingFeeShare: '0.0',
};

export function spotMeta() {
  return { universe: [], tokens: [USDC_TOKEN] };
}

export function spotMetaAndAssetCtxs() {
  return [spotMeta(), []];
}

/** null stands for the default dex; no builder-deployed dexes here */
export function perpDexs() {
  return [null];
}

/** The perp-only account keeps its USDC on the perp side; the spot side holds nothing. */
export function spotClearinghouseState() {
  return { balances: [] };
}

/** "default": the account never chose an abstraction (unified / portfolio margin are not modelled) */
export function userAbstraction() {
  return 'default';
}

export function userDexAbstraction() {
  return null;
}

export function userRole(e: Engine, user: string) {
  return { role: e.account(user) ? 'user' : 'missing' };
}

export function referral(e: Engine, user: string) {
  const acct = e.account(user);
  return {
    referredBy: acct?.referralCode ? { referrer: '0x0000000000000000000000000000000000000000', code: acct.referralCode } : null,
    cumVlm: acct ? wireUsd(acct.cumVlm) : '0.0',
    unclaimedRewards: '0.0',
    claimedRewards: '0.0',
    builderRewards: '0.0',
    referrerState: { stage: 'needToCreateCode' },
    rewardHistory: [],
  };
}

/** tenths of a basis point the user approved for `builder`, 0 when none */
export function maxBuilderFee(e: Engine, user: string, builder: string): number {
  return e.account(user)?.builderApprovals.get(builder.toLowerCase()) ?? 0;
}

export function approvedBuilders(e: Engine, user: string): string[] {
  return [...(e.account(user)?.builderApprovals.keys() ?? [])];
}

export function extraAgents(agents: { address: string; name: string; validUntil: number }[]) {
  return agents.map((a) => ({ address: a.address, name: a.name, validUntil: Number.isFinite(a.validUntil) ? a.validUntil : null }));
}

/** parts per million → the venue's decimal rate string ("0.00045") */
function rate(ppm: bigint): string {
  return venueNum(fxStr(ppm * 100n));
}

/**
 * userFees: the simulator's flat rates (no volume tiers, no referral or staking discount, no daily
 * volume history). Spot rates are reported equal to the perp ones: there is no spot here.
 */
export function userFees(e: Engine) {
  const cross = rate(e.takerFee);
  const add = rate(e.makerFee);
  return {
    dailyUserVlm: [],
    feeSchedule: { cross, add, spotCross: cross, spotAdd: add, tiers: { vip: [], mm: [] }, referralDiscount: '0.0', stakingDiscountTiers: [] },
    userCrossRate: cross,
    userAddRate: add,
    userSpotCrossRate: cross,
    userSpotAddRate: add,
    activeReferralDiscount: '0.0',
    trial: null,
    feeTrialEscrow: '0.0',
    nextTrialAvailableTimestamp: null,
    stakingLink: null,
    activeStakingDiscount: { bpsOfMaxSupply: '0.0', discount: '0.0' },
  };
}
