/**
 * What every hot path of the session is built from (the first, and each one rebuilt after an
 * operator resume): the venue's markets for the session's coins and for the whole universe (the
 * gates count exposure and foreign orders in markets the session does not trade), the account the
 * feed and the orders are for (the vault when trading for one), and the ports to the session.
 */
import type { SessionConfig } from '../../src/config/session';
import type { HotPathDeps } from '../../src/executor/hot-path';
import type { WirePort } from '../../src/executor/ports';
import type { VenueClient } from '../../src/exchange/hyperliquid/venue-client';
import type { MarketMeta } from '../../src/state/market-state';
import type { Logger } from '../../src/util/log';

export function marketsFromMeta(meta: { universe: { name: string; szDecimals: number }[] }, coins: readonly string[]): MarketMeta[] {
  const out: MarketMeta[] = [];
  meta.universe.forEach((u, asset) => {
    if (coins.includes(u.name)) out.push({ coin: u.name, asset, szDecimals: u.szDecimals });
  });
  return out;
}

/** the account whose positions and orders the session trades (the vault when one is set) */
export const tradingUser = (cfg: SessionConfig): string => cfg.venue.vaultAddress ?? cfg.account.address;

export interface HotPathDepsInput {
  config: SessionConfig;
  meta: { universe: { name: string; szDecimals: number }[] };
  venue: VenueClient;
  wire: WirePort;
  /** the ports to the session workflow (createSessionPorts without its delivery) */
  ports: Pick<HotPathDeps, 'hardStopPort' | 'alert' | 'checkpointPort'>;
  clock: () => number;
  log: Logger;
  onStrategyEvent: NonNullable<HotPathDeps['onStrategyEvent']>;
  onRiskChange: () => void;
}

/** A builder of the deps of each hot path; the markets are read from the meta once. */
export function hotPathDepsFor(d: HotPathDepsInput): () => HotPathDeps {
  const markets = marketsFromMeta(d.meta, d.config.markets);
  const universe = marketsFromMeta(d.meta, d.meta.universe.map((u) => u.name));
  return () => ({
    config: d.config,
    markets,
    universe,
    venueInfo: d.venue,
    user: tradingUser(d.config),
    wire: d.wire,
    transport: d.venue,
    ...d.ports,
    clock: d.clock,
    onStrategyEvent: d.onStrategyEvent,
    onError: (where, e) => d.log.error('hot path error', { where, error: e instanceof Error ? `${e.name}: ${e.message}` : String(e) }),
    onRiskChange: d.onRiskChange,
  });
}
