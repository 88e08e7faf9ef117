/**
 * Build to the protocol, not to our own client: the unmodified @nktkas/hyperliquid SDK (its
 * HttpTransport with a custom apiUrl, isTestnet) places, inspects and cancels an order on the
 * simulator. The SDK is ESM-only, so it runs in a child Node process (Node 20 is enough for its
 * HTTP transport: global fetch, AbortSignal).
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { Wallet } from 'ethers';
import type { RunningSimulator } from '../../../src/sim';
import { startTestSim } from './helpers';

function runClient(env: Record<string, string>): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(process.execPath, [path.join(__dirname, 'fixtures', 'nktkas-client.mjs')], { env: { ...process.env, ...env }, timeout: 30_000 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

describe('a third-party Hyperliquid client against the simulator', () => {
  let sim: RunningSimulator;
  afterEach(async () => sim?.stop());

  test('@nktkas/hyperliquid places and cancels an order with its own signing', async () => {
    sim = await startTestSim();
    const wallet = Wallet.createRandom();
    sim.admin.fund(wallet.address, '5000');
    const r = await runClient({ SIM_HTTP_URL: sim.httpUrl, SIM_TEST_KEY: wallet.privateKey });
    expect(r.stderr).toBe('');
    expect(r.code).toBe(0);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    expect(out.address).toBe(wallet.address.toLowerCase());
    expect(out.placed.status).toBe('ok');
    expect(out.openBefore).toEqual([expect.objectContaining({ oid: out.oid, coin: 'BTC', side: 'B', limitPx: `${out.px}.0`, sz: '0.001' })]);
    expect(out.status).toBe('open');
    expect(out.cancelled.response.data.statuses).toEqual(['success']);
    expect(out.openAfter).toEqual([]);
    // the SDK surfaces the venue's per-order error text
    expect(out.cancelAgainError).toContain('Order was never placed, already canceled, or filled.');
    // and the simulator's own record agrees
    const st = sim.admin.state(wallet.address);
    expect(st.openOrders).toEqual([]);
    expect(st.requestsUsed).toBe(3);
  });
});
