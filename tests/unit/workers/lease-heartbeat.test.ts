/**
 * The dead-man lease activity (activities/hotpath.ts holdHotPathLease) does not heartbeat at its
 * start. The server counts the start as a heartbeat; a heartbeat only ms later made its first
 * timeout check (at start + lease) re-arm with ~1 s granularity, so a hot path killed in the first
 * seconds of a lease was declared lost at lease + 1 s (measured by bench/hotpath-lost.bench.ts).
 * It beats every lease / 5 from then on, and returns when the process lets the lease go.
 */
import { MockActivityEnvironment } from '@temporalio/testing';
import { createHotPathActivities, type HotPathHandle, type LeasePort } from '../../../activities/hotpath';

function leasePort(): LeasePort & { letGo(why: string): void; heldWith: unknown[] } {
  let release: (why: string) => void = () => undefined;
  const released = new Promise<string>((r) => (release = r));
  const heldWith: unknown[] = [];
  return {
    heldWith,
    held: (info) => void heldWith.push(info),
    released: () => released,
    lost: () => undefined,
    ended: () => undefined,
    letGo: (why) => release(why),
  };
}

test('the lease activity first heartbeats one beat after its start, then every lease / 5', async () => {
  const lease = leasePort();
  const acts = createHotPathActivities(() => ({}) as HotPathHandle, 'hlx-session-test', { lease });
  const env = new MockActivityEnvironment();
  const t0 = Date.now();
  const beats: number[] = [];
  env.on('heartbeat', () => beats.push(Date.now() - t0));
  const run = env.run(acts.holdHotPathLease, { hostId: 'h', leaseMs: 500 });
  let early: number[];
  try {
    await new Promise((r) => setTimeout(r, 50));
    early = [...beats];
    await new Promise((r) => setTimeout(r, 330));
  } finally {
    lease.letGo('shutdown');
  }
  await expect(run).resolves.toEqual({ released: 'shutdown' });
  // held at once (the hot path's own renewal check starts), but nothing sent to the server yet
  expect(lease.heldWith).toHaveLength(1);
  expect(early).toEqual([]);
  // every = 500 / 5 = 100 ms: beats near 100, 200, 300
  expect(beats.length).toBeGreaterThanOrEqual(2);
  expect(beats[0]).toBeGreaterThanOrEqual(90);
});
