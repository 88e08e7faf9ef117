/**
 * A HardStop signal must reach the session workflow even when Temporal is unreachable at the
 * moment of the trigger (the hot path has already latched and cancelled in memory; the durable
 * flatten needs the workflow). One failed attempt is not the end: retry with capped backoff until
 * the server acknowledges, or until the worker shuts down. signalWithStart is idempotent enough
 * for this: a repeated hardStop is recorded by the workflow as a later one, never a second stop.
 */
import type { Logger } from '../src/util/log';

export interface DeliverOptions {
  what: string;
  log: Logger;
  initialMs?: number;
  maxMs?: number;
  /** stop retrying (the worker is shutting down) */
  cancelled?: () => boolean;
  sleep?: (ms: number) => Promise<void>;
}

export async function deliverUntilAcked(send: () => Promise<void>, o: DeliverOptions): Promise<boolean> {
  const initial = o.initialMs ?? 100;
  const max = o.maxMs ?? 5_000;
  const sleep = o.sleep ?? ((ms: number) => new Promise<void>((r) => setTimeout(r, ms)));
  for (let attempt = 0; ; attempt++) {
    try {
      await send();
      if (attempt > 0) o.log.warn(`${o.what}: delivered after ${attempt + 1} attempts`);
      return true;
    } catch (e) {
      if (o.cancelled?.()) {
        o.log.error(`${o.what}: NOT delivered, giving up at shutdown`, { attempts: attempt + 1, error: (e as Error).message });
        return false;
      }
      const wait = Math.min(max, initial * 2 ** attempt);
      o.log.error(`${o.what}: not delivered, retrying`, { attempt: attempt + 1, inMs: wait, error: (e as Error).message });
      await sleep(wait);
    }
  }
}
