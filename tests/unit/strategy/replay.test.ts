import { parseReplayJsonl, ReplayStrategy } from '../../../src/strategy/replay';

const ctx = (now: number) => ({ now, ready: true, hardStopped: false, phase: 'READY_TRADING' as const, orders: [], markets: [] });

describe('JSONL replay source', () => {
  const text = [
    '{"market":"BTC","side":"buy","size":"0.001","limitPx":"97000","tif":"Ioc"}',
    '',
    '# a comment',
    '{"market":"ETH","side":"sideways","size":"0.01","limitPx":"3600"}',
    'not json',
    '{"delayMs":100,"signal":{"market":"SOL","side":"sell","size":"0.1","limitPx":"240","reduceOnly":true}}',
    '{"market":"SOL","side":"buy","size":-1,"limitPx":"240"}',
  ].join('\n');

  test('valid lines become signals; a bad line is reported with its line number and skipped', () => {
    const { items, errors } = parseReplayJsonl(text);
    expect(items.map((i) => i.line)).toEqual([1, 6]);
    expect(items[1]).toMatchObject({ delayMs: 100, signal: { market: 'SOL', reduceOnly: true } });
    expect(errors.map((e) => e.line)).toEqual([4, 5, 7]);
    expect(errors[0].message).toMatch(/^side: /);
    expect(errors[1].message).toMatch(/^not JSON/);
    expect(errors[2].message).toMatch(/^size: /);
  });

  test('replays in order, honouring delays', () => {
    const { items } = parseReplayJsonl(text);
    const r = new ReplayStrategy(items);
    expect(r.onTick(ctx(0)).map((s) => s.market)).toEqual(['BTC']);
    expect(r.onTick(ctx(50))).toEqual([]);
    expect(r.onTick(ctx(100)).map((s) => s.market)).toEqual(['SOL']);
    expect(r.remaining).toBe(0);
    expect(r.onTick(ctx(200))).toEqual([]);
  });
});
