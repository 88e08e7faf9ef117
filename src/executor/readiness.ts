/**
 * READY-TRADING (gate 1): socket up, snapshots loaded, positions synced, and the session
 * workflow says trading is allowed. All four must hold; anything else is Skipped(NotReady).
 */
export class Readiness {
  socketUp = false;
  snapshotsLoaded = false;
  positionsSynced = false;
  tradingAllowed = false;
  /** cached conjunction so the gate is one field read */
  ready = false;

  set(flag: 'socketUp' | 'snapshotsLoaded' | 'positionsSynced' | 'tradingAllowed', v: boolean): void {
    this[flag] = v;
    this.ready = this.socketUp && this.snapshotsLoaded && this.positionsSynced && this.tradingAllowed;
  }

  describe(): Record<string, boolean> {
    return { socketUp: this.socketUp, snapshotsLoaded: this.snapshotsLoaded, positionsSynced: this.positionsSynced, tradingAllowed: this.tradingAllowed };
  }
}
