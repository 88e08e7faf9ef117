/**
 * The two voices the current hot path listens to, wired to each other: the session's word (the
 * gate: may this hot path trade?) and the venue's feed (fills, orders, positions). Every (re)connect
 * sync asks the session again, a socket down closes the gate, and an operator resume rebuilds the
 * hot path and re-reads the venue into the new one.
 */
import type { VenueClient } from '../../src/exchange/hyperliquid/venue-client';
import { SessionGate, type SessionGateDeps } from './session-gate';
import { VenueSync } from './venue-sync';

export interface SessionAndVenueDeps extends Omit<SessionGateDeps, 'onResumed'> {
  venue: VenueClient;
  /** the account whose feed is followed (the vault when trading for one) */
  user: string;
  closed: () => boolean;
}

export function connectSessionAndVenue(d: SessionAndVenueDeps): { gate: SessionGate; sync: VenueSync } {
  const { venue, user, closed, ...gateDeps } = d;
  let sync: VenueSync | undefined;
  const gate = new SessionGate({
    ...gateDeps,
    onResumed: () => {
      const hp = d.holder.rebuild();
      hp.onSocketState({ up: venue.socketUp(), at: d.clock() });
      hp.start();
      void sync?.resync();
    },
  });
  sync = new VenueSync({
    venue,
    user,
    coins: d.markets,
    holder: d.holder,
    clock: d.clock,
    log: d.log,
    onSynced: () => gate.requestReport(),
    onSocketDown: () => gate.socketDown('socket down'),
    closed,
  });
  return { gate, sync };
}
