/**
 * A single-consumer ordered message queue: the "actor" shape SPEC §5 asks for (PositionTracker,
 * RiskMonitor). Messages are handled one at a time, in post order; a message posted while one is
 * being handled (re-entrancy) waits its turn. The drain is scheduled through an injected function
 * so tests can step it by hand (`processOne`) and interleave it with anything else.
 */
export type Schedule = (run: () => void) => void;

/** Production default: drain on the microtask queue, before any timer (tick) can run. */
export const microtaskSchedule: Schedule = (run) => queueMicrotask(run);

/** Tests: never drain by itself; the test calls processOne()/drain(). */
export const manualSchedule: Schedule = () => {};

export class Mailbox<M> {
  private q: (M | undefined)[] = [];
  private head = 0;
  private scheduled = false;
  private busy = false;

  constructor(
    private readonly handle: (m: M) => void,
    private readonly schedule: Schedule = microtaskSchedule,
    private readonly onError: (e: unknown, m: M) => void = () => {},
  ) {}

  /** True while a message is being handled: a synchronous caller re-entered from a handler. */
  get processing(): boolean {
    return this.busy;
  }

  get size(): number {
    return this.q.length - this.head;
  }

  /** The queued messages, oldest first (tests check invariants over in-queue work). */
  peek(): M[] {
    return this.q.slice(this.head) as M[];
  }

  post(m: M): void {
    this.q.push(m);
    if (!this.scheduled && !this.busy) {
      this.scheduled = true;
      this.schedule(() => {
        this.scheduled = false;
        this.drain();
      });
    }
  }

  /** Handle every queued message (including ones posted meanwhile). */
  drain(): void {
    while (this.processOne()) {
      /* keep going */
    }
  }

  /** Handle the next message; false when the queue is empty or a handler is already running. */
  processOne(): boolean {
    if (this.busy || this.head >= this.q.length) return false;
    const m = this.q[this.head] as M;
    this.q[this.head++] = undefined;
    this.busy = true;
    try {
      this.handle(m);
    } catch (e) {
      this.onError(e, m);
    } finally {
      this.busy = false;
    }
    if (this.head > 1024 && this.head * 2 > this.q.length) {
      this.q = this.q.slice(this.head);
      this.head = 0;
    }
    return true;
  }
}
