/**
 * READY-TRADING (gate 1): socket up, snapshots loaded, positions synced, the session workflow
 * says trading is allowed, and the risk counters have caught up with the account's fills (a
 * restored hot path counts the fills its predecessor never heard first, #11). All must hold;
 * anything else is Skipped(NotReady).
 */
export class Readiness {
  socketUp = false;
  snapshotsLoaded = false;
  positionsSynced = false;
  tradingAllowed = false;
  /** true unless a restored hot path is still counting the fills since its predecessor's last one */
  riskCaughtUp = true;
  /** cached conjunction so the gate is one field read */
  ready = false;

  set(flag: 'socketUp' | 'snapshotsLoaded' | 'positionsSynced' | 'tradingAllowed' | 'riskCaughtUp', v: boolean): void {
    this[flag] = v;
    this.ready = this.socketUp && this.snapshotsLoaded && this.positionsSynced && this.tradingAllowed && this.riskCaughtUp;
  }

  describe(): Record<string, boolean> {
    return { socketUp: this.socketUp, snapshotsLoaded: this.snapshotsLoaded, positionsSynced: this.positionsSynced, tradingAllowed: this.tradingAllowed, riskCaughtUp: this.riskCaughtUp };
  }
}
