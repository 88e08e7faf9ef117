import { deliverUntilAcked } from '../../../workers/deliver-until-acked';
import { createLogger, setLogSink } from '../../../src/util/log';

describe('deliverUntilAcked (the HardStop signal while Temporal is unreachable)', () => {
  const lines: string[] = [];
  beforeAll(() => setLogSink({ write: (l) => void lines.push(l) }));
  afterAll(() => setLogSink(undefined));

  it('retries with capped, growing waits until the server acknowledges', async () => {
    let calls = 0;
    const waits: number[] = [];
    const ok = await deliverUntilAcked(
      async () => {
        calls++;
        if (calls < 6) throw new Error('14 UNAVAILABLE: connection refused');
      },
      { what: 'hardStop signal', log: createLogger('t'), initialMs: 100, maxMs: 500, sleep: async (ms) => void waits.push(ms) },
    );
    expect(ok).toBe(true);
    expect(calls).toBe(6);
    expect(waits).toEqual([100, 200, 400, 500, 500]);
    expect(lines.some((l) => l.includes('delivered after 6 attempts'))).toBe(true);
  });

  it('gives up only when the worker shuts down, and says so', async () => {
    let down = false;
    let calls = 0;
    const ok = await deliverUntilAcked(
      async () => {
        calls++;
        if (calls === 3) down = true;
        throw new Error('unreachable');
      },
      { what: 'hardStop signal', log: createLogger('t'), cancelled: () => down, sleep: async () => {} },
    );
    expect(ok).toBe(false);
    expect(calls).toBe(3);
    expect(lines.some((l) => l.includes('NOT delivered'))).toBe(true);
  });
});
