/**
 * One `describe` of the session workflow shared by the two parts of the hot-path process that ask
 * the server about it: the session gate (has the session changed? every phase poll) and the lease
 * holder (is the lease activity still pending? every quarter lease). Each says how old an answer
 * it can use; one call is in flight at a time. A describe is answered by the server alone, but a
 * fleet of hot paths asking twice over was still a large part of the dev server's load.
 */
import type { WorkflowExecutionDescription, WorkflowHandle } from '@temporalio/client';

export interface Described {
  /** when the describe was sent (what it says held at least then) */
  at: number;
  d: WorkflowExecutionDescription;
}

export class SessionDescriber {
  private last: Described | null = null;
  private inFlight: Promise<Described> | null = null;

  constructor(
    private readonly handle: Pick<WorkflowHandle, 'describe'>,
    private readonly clock: () => number,
  ) {}

  /** A describe sent at most `maxAgeMs` ago: the last one, the one in flight, or a new one. */
  describe(maxAgeMs: number): Promise<Described> {
    const now = this.clock();
    if (this.last && now - this.last.at <= maxAgeMs) return Promise.resolve(this.last);
    if (this.inFlight) return this.inFlight;
    const p = this.handle.describe().then((d) => (this.last = { at: now, d }));
    this.inFlight = p;
    const clear = () => {
      if (this.inFlight === p) this.inFlight = null;
    };
    p.then(clear, clear);
    return p;
  }
}
