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
