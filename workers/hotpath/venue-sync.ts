/**
 * The venue side of the hot-path worker: the account's user feed (fills, order updates, open
 * orders, positions, marks, mids, socket state) routed into the current hot path, the first
 * position sync before the session is asked, and the resync a rebuilt hot path starts from.
 */
import type { UserFeed } from '../../src/exchange/hyperliquid/user-feed';
import type { VenueClient } from '../../src/exchange/hyperliquid/venue-client';
import type { Logger } from '../../src/util/log';
import type { HotPathHolder } from './hot-path-holder';

export interface VenueSyncDeps {
  venue: VenueClient;
  /** the account whose feed this is (the vault when trading for one) */
  user: string;
  coins: readonly string[];
  holder: HotPathHolder;
  clock: () => number;
  log: Logger;
  /** positions arrived (every (re)connect sync ends with them): the session must be asked again */
  onSynced: () => void;
  onSocketDown: () => void;
  closed: () => boolean;
}

export class VenueSync {
  readonly feed: UserFeed;
  private synced = false;

  constructor(private readonly d: VenueSyncDeps) {
    const hp = () => d.holder.current;
    this.feed = d.venue.userFeed(
      d.user,
      {
        onFill: (f) => hp().onFill(f),
        onOrderUpdate: (u) => hp().onOrderUpdate(u),
        onOpenOrders: (s) => hp().onOpenOrders(s),
        // positions come last in every (re)connect sync: then the session is asked again
        onPositions: (s) => {
          hp().onPositions(s);
          this.synced = true;
          d.onSynced();
        },
        onMark: (m) => hp().onMarkUpdate(m),
        onMids: (m) => hp().onMids(m),
        onSocketState: (s) => {
          hp().onSocketState(s);
          if (!s.up) d.onSocketDown();
        },
        onError: (where, e) => d.log.warn('user feed error', { where, error: e instanceof Error ? e.message : String(e) }),
      },
      { coins: [...d.coins] },
    );
    if (!d.venue.socketUp()) hp().onSocketState({ up: false, at: d.clock() });
  }

  /** Waits (bounded) for the first position sync of the feed. */
  async waitFirstSync(ms: number): Promise<boolean> {
    const until = this.d.clock() + ms;
    while (!this.synced && this.d.clock() < until) await new Promise((r) => setTimeout(r, 20));
    return this.synced;
  }

  /**
   * A rebuilt hot path starts from the venue's positions and open orders (HTTP, retried): the hot
   * path's own resync merges them by the venue's clock, so fills arriving meanwhile are kept.
   */
  async resync(): Promise<void> {
    for (let attempt = 0; !this.d.closed(); attempt++) {
      try {
        await this.d.holder.current.resync();
        this.d.onSynced();
        return;
      } catch (e) {
        this.d.log.warn('position/open-order sync failed; retrying', { attempt, error: (e as Error).message });
        await new Promise((r) => setTimeout(r, Math.min(2_000, 100 * 2 ** attempt)));
      }
    }
  }
}
