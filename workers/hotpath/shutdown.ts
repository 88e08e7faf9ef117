/**
 * The hot-path process's planned shutdown, in the order that loses nothing: the lease handed back
 * (unless the process failed: then it runs out and the session stops on its own), trading stopped,
 * the gateway closed, the last risk checkpoint written and the scheduled cancel cleared, the gate
 * and the calls to Temporal drained (bounded: an unreachable Temporal must not hold it up), the
 * Temporal worker stopped, the venue closed, and any HardStop still owed named with its journal.
 */
import type { Logger } from '../../src/util/log';

export interface ShutdownParts {
  failed: () => boolean;
  releaseLease: () => void;
  stopTrading: () => void;
  closeGateway: () => Promise<void>;
  /** each bounded to BOUND_MS: the risk checkpoint, the dead-man switch */
  flush: (() => Promise<unknown>)[];
  stopGate: () => Promise<void>;
  drainCalls: () => Promise<void>;
  stopWorker: () => Promise<void>;
  stopFeed: () => void;
  closeVenue: () => Promise<void>;
  reportOwed: () => void;
  log: Logger;
}

export const BOUND_MS = 3_000;

const bounded = (p: Promise<unknown>) => Promise.race([p.catch(() => undefined), new Promise((r) => setTimeout(r, BOUND_MS).unref())]);

export async function shutdownInOrder(p: ShutdownParts): Promise<void> {
  if (!p.failed()) p.releaseLease();
  p.stopTrading();
  await p.closeGateway().catch((e) => p.log.warn('gateway did not close cleanly', { error: (e as Error).message }));
  await Promise.all(p.flush.map((f) => bounded(f())));
  const gateStopped = p.stopGate();
  await p.drainCalls();
  await gateStopped;
  await p.stopWorker();
  p.stopFeed();
  await p.closeVenue().catch(() => {});
  p.reportOwed();
}
