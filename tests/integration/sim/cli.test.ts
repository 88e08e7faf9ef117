/** `hlx sim` standalone: prints its URLs, serves the venue and the admin API, stops on SIGTERM; bad flags exit 2 naming the flag. */
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { postJson } from './helpers';

const HLX = path.resolve(__dirname, '../../../src/cli/hlx.ts');
const ADDR = '0x' + '3c'.repeat(20);

function hlx(args: string[]) {
  return spawn(process.execPath, ['--import', 'tsx', HLX, 'sim', ...args], { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, HLX_LOG_LEVEL: 'warn' } });
}

describe('hlx sim', () => {
  test('runs standalone until SIGTERM', async () => {
    const p = hlx(['--port', '0', '--seed', '3', '--markets', 'BTC,ETH', '--fund', `${ADDR}=2500`]);
    let out = '';
    const urls = await new Promise<{ http: string; admin: string; ws: string }>((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no URLs printed: ${out}`)), 20_000);
      p.stdout.on('data', (d: Buffer) => {
        out += d.toString();
        const http = /http\s+(http:\/\/\S+)/.exec(out);
        const ws = /ws\s+(ws:\/\/\S+)/.exec(out);
        const admin = /admin\s+(http:\/\/[^/\s]+)/.exec(out);
        if (http && ws && admin) {
          clearTimeout(timer);
          resolve({ http: http[1], ws: ws[1], admin: admin[1] });
        }
      });
    });
    const meta = await postJson(`${urls.http}/info`, { type: 'meta' });
    expect(meta.body.universe.map((u: { name: string }) => u.name)).toEqual(['BTC', 'ETH']);
    const st = await postJson(`${urls.admin}/admin/state`, { address: ADDR });
    expect(st.body.result.balance).toBe('2500');
    const exited = new Promise<number | null>((resolve) => p.once('exit', (code) => resolve(code)));
    p.kill('SIGTERM');
    expect(await exited).toBe(0);
  });

  test('a bad flag exits 2 and names it', async () => {
    const p = hlx(['--chain', 'moon']);
    let err = '';
    p.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const code = await new Promise<number | null>((resolve) => p.once('exit', (c) => resolve(c)));
    expect(code).toBe(2);
    expect(err).toContain('--chain');
  });
});
