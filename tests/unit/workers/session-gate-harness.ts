/** A hot path on the example config and fake venue, and a SessionGate over a fake session handle: the session-gate tests share these. */
import type { HotPath } from '../../../src/executor/hot-path';
import { SessionGate, type SessionGateDeps } from '../../../workers/hotpath/session-gate';
import { createLogger } from '../../../src/util/log';
import type { FakeVenue } from '../executor/fake-venue';
import { exampleHotPath } from '../executor/example-hot-path';

export function hotPath(): { hp: HotPath; venue: FakeVenue } {
  return exampleHotPath();
}

/** `handle`: the session's query / describe / signal, faked by the test. */
export function gateOver(hp: HotPath, handle: unknown, o: Partial<SessionGateDeps> = {}): SessionGate {
  return new SessionGate({
    link: {} as never,
    handle: handle as never,
    holder: { current: hp } as never,
    hostId: 'h',
    hotPathTaskQueue: 'q',
    markets: ['BTC'],
    pending: { track: () => {} } as never,
    log: createLogger('test'),
    clock: Date.now,
    phasePollMs: 60_000,
    temporalStaleMs: 60_000,
    onResumed: () => {},
    ...o,
  });
}
