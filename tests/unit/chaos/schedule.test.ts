/** A schedule is a pure function of its seed: the replay contract of `make chaos SEED=S SEEDS=1`. */
import { describeEvent, FAULT_KINDS, generateSchedule } from '../../../src/chaos/schedule';
import { summaryLine } from '../../../src/chaos/runner';

test('the same seed gives the same schedule; another seed another one', () => {
  expect(generateSchedule(42)).toEqual(generateSchedule(42));
  expect(generateSchedule(42)).not.toEqual(generateSchedule(43));
});

test('events fall inside the active window, in order, with a target where one is needed, and at most one Temporal restart', () => {
  for (let seed = 0; seed < 200; seed++) {
    const s = generateSchedule(seed, { activeMs: 20_000 });
    expect(s.events.length).toBeGreaterThanOrEqual(7);
    for (const e of s.events) {
      expect(e.at).toBeGreaterThanOrEqual(0);
      expect(e.at).toBeLessThan(20_000);
      expect(FAULT_KINDS).toContain(e.kind);
      if (/^(kill|hardStop|resume)/.test(e.kind)) expect([0, 1]).toContain(e.account);
    }
    expect(s.events.map((e) => e.at)).toEqual([...s.events.map((e) => e.at)].sort((a, b) => a - b));
    expect(s.events.filter((e) => e.kind === 'restartTemporal').length).toBeLessThanOrEqual(1);
    expect(s.events.some((e) => e.kind === 'resume')).toBe(true);
  }
});

test('over many seeds every fault kind is drawn', () => {
  const seen = new Set<string>();
  for (let seed = 0; seed < 200; seed++) for (const e of generateSchedule(seed).events) seen.add(e.kind);
  expect([...seen].sort()).toEqual([...FAULT_KINDS].sort());
});

test('the printed forms: an event line and the contract line', () => {
  expect(describeEvent({ at: 1234, kind: 'killHotPath', account: 1, params: { restartAfterMs: 900 } })).toBe('+ 1234 ms  killHotPath account 1 (restartAfterMs=900)');
  expect(summaryLine(3, 0)).toBe('chaos: 3 schedules, 0 violations');
});
