import { NonceManager } from '../../../src/exchange/hyperliquid';

describe('NonceManager', () => {
  test('100,000 concurrent next() calls: no collision, strictly increasing, near wall time', async () => {
    const nm = new NonceManager();
    const before = Date.now();
    const nonces = await Promise.all(Array.from({ length: 100_000 }, () => Promise.resolve().then(() => nm.next())));
    expect(new Set(nonces).size).toBe(100_000);
    let firstDecrease = -1;
    for (let i = 1; i < nonces.length && firstDecrease < 0; i++) if (nonces[i] <= nonces[i - 1]) firstDecrease = i;
    expect(firstDecrease).toBe(-1);
    expect(nonces[0]).toBeGreaterThanOrEqual(before);
    // the burst runs ahead of the clock by at most one nonce per call
    expect(nonces[nonces.length - 1]).toBeLessThanOrEqual(Date.now() + 100_000);
  });

  test('concurrent callers interleaved across timers never share a nonce', async () => {
    const nm = new NonceManager();
    const seen: number[] = [];
    await Promise.all(
      Array.from({ length: 50 }, (_, w) =>
        (async () => {
          for (let i = 0; i < 200; i++) {
            seen.push(nm.next());
            if (i % 50 === w % 50) await new Promise((r) => setImmediate(r));
          }
        })(),
      ),
    );
    expect(new Set(seen).size).toBe(seen.length);
  });

  test('follows the clock when it moves ahead and never goes backwards when it jumps back', () => {
    let now = 1_700_000_000_000;
    const nm = new NonceManager(() => now);
    expect(nm.next()).toBe(now);
    expect(nm.next()).toBe(now + 1);
    now += 10;
    expect(nm.next()).toBe(1_700_000_000_010);
    now -= 5_000; // NTP step backwards
    expect(nm.next()).toBe(1_700_000_000_011);
    nm.observe(1_800_000_000_000);
    expect(nm.next()).toBe(1_800_000_000_001);
    expect(nm.peek()).toBe(1_800_000_000_001);
  });
});
