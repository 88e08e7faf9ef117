/** `hlx chaos` refuses bad arguments and environment with the field named, before starting anything. */
import { main } from '../../../src/cli/hlx';

let err: jest.SpyInstance;
beforeEach(() => {
  err = jest.spyOn(console, 'error').mockImplementation(() => {});
});
afterEach(() => {
  err.mockRestore();
  delete process.env.SEEDS;
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
