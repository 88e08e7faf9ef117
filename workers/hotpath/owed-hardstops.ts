/**
 * What an earlier process owes Temporal (#11): HardStops it journalled and never saw acknowledged.
 * A new process reads them before anything else, starts latched, and delivers them before the
 * session is asked anything; at shutdown, whatever is still owed is named with the journal's path.
 */
import { isHardStopReason, type HardStopReason } from '../../src/risk/reasons';
import { HardStopJournal, type JournalEntry } from '../../src/state/hardstop-journal';
import type { HotPath } from '../../src/executor/hot-path';
import type { Logger } from '../../src/util/log';

export interface OwedDelivery {
  deliver(e: JournalEntry): Promise<boolean>;
  alreadyJournalled(fn: () => void): void;
}

/** The session's journal and what it still owes, logged loudly when anything is. */
export function readOwed(sessionId: string, stateDir: string | undefined, log: Logger): { journal: HardStopJournal; owed: JournalEntry[] } {
  const journal = stateDir ? new HardStopJournal(sessionId, stateDir) : new HardStopJournal(sessionId);
  const owed = journal.pending();
  if (owed.length > 0) {
    log.error('unacknowledged HardStop in the journal: this hot path starts latched and delivers it before anything else', {
      journal: journal.file,
      reasons: owed.map((e) => e.reason).join(','),
    });
  }
  return { journal, owed };
}

/** Delivers every owed entry (each retried until acknowledged or shutdown); true when all were acknowledged. */
export function deliverOwed(owed: readonly JournalEntry[], delivery: OwedDelivery): Promise<boolean> {
  return Promise.all(owed.map((e) => delivery.deliver(e))).then((oks) => oks.every(Boolean));
}

/** The journal's HardStop latches a hot path built in a new process (no second journal entry, no second signal). */
export function latchFromJournal(hp: HotPath, e: JournalEntry, delivery: Pick<OwedDelivery, 'alreadyJournalled'>): void {
  const reason: HardStopReason = isHardStopReason(e.reason) ? e.reason : 'Operator';
  delivery.alreadyJournalled(() => hp.latch.trigger(reason, e.source));
  hp.executor.onHardStop(reason);
}

/** Shutdown never drops a HardStop silently: what is still owed is named, with the journal's path. */
export function reportOwed(journal: HardStopJournal, log: Logger): void {
  let left: JournalEntry[] = [];
  try {
    left = journal.pending();
  } catch (e) {
    log.error('HardStop journal unreadable at shutdown', { journal: journal.file, error: (e as Error).message });
    return;
  }
  if (left.length > 0) {
    log.error(`${left.length} HardStop(s) NOT acknowledged by Temporal: kept in the journal, delivered at the next start`, {
      journal: journal.file,
      reasons: left.map((x) => `${x.reason}/${x.source}`).join(','),
    });
  }
}
