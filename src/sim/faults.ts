/**
 * Fault-injection switches shared by the engine and the servers. Set through SimAdmin
 * (in-process or the admin HTTP API); every switch is off by default.
 */
export class Faults {
  /** added before a request is processed (HTTP and WS post) */
  latencyMs = 0;
  /** until this ms timestamp the WebSocket server sends nothing at all (no pushes, pongs or post answers) */
  silentUntil = 0;
  /** the next `n` orders are rejected with `error` (per-order status) */
  rejectNextCount = 0;
  rejectNextError = '';
  /** fraction (parts per million) of an order filled per match or per tick; null = fill fully */
  partialFillPpm: bigint | null = null;
  /** extra adverse slippage on IOC fills against the synthetic book, basis points */
  ioSlippageBps = 0;
  /** every fill push is sent twice */
  duplicateFills = false;
  /** fill pushes of one action go out one fill per frame, newest first */
  reorderFills = false;
  /** the next `n` posts (HTTP /exchange, /info and WS post) get 429 */
  http429Remaining = 0;
  /** stop (#10): every cancel action is refused as a whole with this error ('' = off) */
  refuseCancelsError = '';
  /** stop (#10): the synthetic market maker withdraws: no synthetic depth to match or to show */
  noLiquidity = false;

  /**
   * The next `n` clearinghouseState answers (HTTP /info and WS post) are computed when the request
   * arrives and held until the account's next fill has been pushed on the socket (or
   * `holdSnapshotMaxMs`): the reconnect-snapshot race of issue #13, hit deterministically.
   */
  holdSnapshotRemaining = 0;
  holdSnapshotMaxMs = 10_000;
  /** fill pushes (userFills, user) carry no `cloid`, as the venue's documented WsFill */
  omitFillCloids = false;
  private fillPushWaiters: (() => void)[] = [];

  takeHoldSnapshot(): boolean {
    if (this.holdSnapshotRemaining <= 0) return false;
    this.holdSnapshotRemaining -= 1;
    return true;
  }

  /** Resolves a little after the next fill push went out (the push reaches the client first), or after the max. */
  afterNextFillPush(): Promise<void> {
    return new Promise((resolve) => {
      let done = false;
      const release = () => {
        if (done) return;
        done = true;
        clearTimeout(t);
        setTimeout(resolve, 20);
      };
      const t = setTimeout(release, this.holdSnapshotMaxMs);
      this.fillPushWaiters.push(release);
    });
  }

  /** The WS server pushed fills. */
  fillsPushed(): void {
    const w = this.fillPushWaiters.splice(0);
    for (const f of w) f();
  }

  takeReject(): string | null {
    if (this.rejectNextCount <= 0) return null;
    this.rejectNextCount -= 1;
    return this.rejectNextError;
  }

  take429(): boolean {
    if (this.http429Remaining <= 0) return false;
    this.http429Remaining -= 1;
    return true;
  }
}

/** clearinghouseState: the request the holdSnapshot fault delays (its answer is computed on arrival). */
export function isSnapshotRequest(body: unknown): boolean {
  return typeof body === 'object' && body !== null && (body as { type?: unknown }).type === 'clearinghouseState';
}
