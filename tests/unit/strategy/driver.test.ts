/**
 * The driver between a strategy and the executor: signals and cancels in the order returned, each
 * answered; a strategy that throws in a callback loses neither the rest of its tick nor its events;
 * phase changes and the HardStop arrive as events.
 */
import { setLogSink } from '../../../src/util/log';
import type { StrategyEvent } from '../../../src/strategy/events';
import type { Strategy, StrategyAction } from '../../../src/strategy/strategy';
import { restingConfig, restingHotPath, waitFor } from '../gateway/resting-hot-path';

setLogSink({ write: () => {} });

test('actions in order, each answered; a throwing onResult does not drop the next action; events and phases reach it', async () => {
  const results: string[] = [];
  const events: StrategyEvent[] = [];
  let plan: StrategyAction[] = [
    { market: 'BTC', side: 'buy', size: '0.001', limitPx: '90000', tif: 'Alo' },
    { market: 'ETH', side: 'buy', size: '0.01', limitPx: '3000', tif: 'Alo' },
    { cancel: '0x' + '0'.repeat(32) },
  ];
  const strategy: Strategy = {
    name: 'scripted',
    onTick: (ctx) => {
      if (!ctx.ready) return [];
      const p = plan;
      plan = [];
      return p;
    },
    onResult: (s, r) => {
      results.push(`${s.market}:${r.status}`);
      if (s.market === 'BTC') throw new Error('strategy bug');
    },
    onCancelResult: (_c, r) => void results.push(`cancel:${r.status}:${r.status === 'Accepted' ? '' : r.reason}`),
    onEvent: (ev) => {
      events.push(ev);
      throw new Error('another strategy bug');
    },
  };
  const { hp } = await restingHotPath({ config: restingConfig(), strategy });
  try {
    await waitFor(() => results.length === 3, 'three answers');
    expect(results).toEqual(['BTC:Accepted', 'ETH:Accepted', 'cancel:Rejected:UnknownOrder']);
    await waitFor(() => events.filter((e) => e.type === 'order' && e.status === 'open').length === 2, 'both orders open');
    expect(events.find((e) => e.type === 'phase')).toMatchObject({ phase: 'READY_TRADING', ready: true });
    hp.hardStop('Operator', 'test');
    await waitFor(() => events.some((e) => e.type === 'hardStop'), 'the hardStop event');
    await waitFor(() => events.some((e) => e.type === 'phase' && e.phase === 'HARD_STOPPED'), 'the HARD_STOPPED phase');
    await waitFor(() => events.filter((e) => e.type === 'cancelled').length === 2, 'the HardStop cancels reported');
  } finally {
    hp.stop();
  }
});
