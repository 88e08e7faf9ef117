/**
 * The TypeScript example imports its types from `hl-executor` as a strategy in its own
 * repository does (examples/tsconfig.json maps the name to src/index.ts, the package's entry
 * point): this type-checks it against the real exports.
 */
import { spawnSync } from 'node:child_process';
import * as path from 'node:path';

jest.setTimeout(120_000);

test('examples/ type-check against the package entry point', () => {
  const root = path.join(__dirname, '..', '..', '..');
  const r = spawnSync(process.execPath, [require.resolve('typescript/bin/tsc'), '-p', path.join(root, 'examples', 'tsconfig.json')], { cwd: root, encoding: 'utf8' });
  expect(r.stdout + r.stderr).toBe('');
  expect(r.status).toBe(0);
});
