/** `hlx chaos` refuses bad arguments and environment with the field named, before starting anything. */
import { main } from '../../../src/cli/hlx';
import { CI_SEEDS, parseSeedList, REGRESSION_SEEDS } from '../../../src/chaos/regressions';

let err: jest.SpyInstance;
beforeEach(() => {
  err = jest.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  err.mockRestore();
  delete process.env.SEEDS;
  delete process.env.SEED_LIST;
});

test('a bad --seeds is refused, exit 2, naming the flag', async () => {
  expect(await main(['chaos', '--seeds', 'many'])).toBe(2);
  expect(err.mock.calls.flat().join('\n')).toMatch(/seeds/);
});

test('a bad --queues is refused', async () => {
  expect(await main(['chaos', '--queues', 'both'])).toBe(2);
  expect(err.mock.calls.flat().join('\n')).toMatch(/queues/);
});

test('a bad SEEDS in the environment is refused, naming it', async () => {
  process.env.SEEDS = '-3';
  expect(await main(['chaos'])).toBe(2);
  expect(err.mock.calls.flat().join('\n')).toMatch(/SEEDS/);
});

test('a bad --seed-list is refused, naming the entry; a bad SEED_LIST naming the variable', async () => {
  expect(await main(['chaos', '--seed-list', '2,x,4'])).toBe(2);
  expect(err.mock.calls.flat().join('\n')).toMatch(/--seed-list: seed list: "x" is not a whole number/);
  process.env.SEED_LIST = '2;3';
  expect(await main(['chaos'])).toBe(2);
  expect(err.mock.calls.flat().join('\n')).toMatch(/SEED_LIST/);
});

test('seed lists parse; the CI set is made of kept regression cases', () => {
  expect(parseSeedList('2, 313,1002')).toEqual([2, 313, 1002]);
  expect(() => parseSeedList('')).toThrow(/not a whole number/);
  const kept = new Set(REGRESSION_SEEDS.map((r) => r.seed));
  expect(CI_SEEDS.length).toBeGreaterThanOrEqual(2);
  for (const s of CI_SEEDS) expect(kept.has(s)).toBe(true);
});
