/**
 * Issue 16 §1: the official Python SDK (hyperliquid-python-sdk, pinned in python/requirements.txt,
 * installed by scripts/ensure-python.sh into the git-ignored .tools/pyvenv), unmodified, against the
 * simulator: Info and Exchange constructed as a user would (both ask spotMeta and meta first),
 * orders placed, queried, modified and cancelled, market_open / market_close, cross and isolated
 * leverage with updateIsolatedMargin, a builder fee approved and charged, a referrer set, an agent
 * approved and trading, and the WebSocket subscriptions. The script is
 * fixtures/python_sdk_client.py; it runs in a child process (the simulator shares this one's loop).
 */
import { execFile } from 'node:child_process';
import * as path from 'node:path';
import { Wallet } from 'ethers';
import type { RunningSimulator } from '../../../src/sim';
import { startTestSim } from './helpers';

const ROOT = path.join(__dirname, '..', '..', '..');

function run(cmd: string, args: string[], env: Record<string, string>, timeout: number): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile(cmd, args, { cwd: ROOT, env: { ...process.env, ...env }, timeout, maxBuffer: 16 << 20 }, (err, stdout, stderr) => {
      resolve({ code: err ? ((err as { code?: number }).code ?? 1) : 0, stdout, stderr });
    });
  });
}

/** The venv's interpreter, installing the pinned requirements the first time. */
async function python(): Promise<string> {
  const r = await run('bash', ['scripts/ensure-python.sh'], {}, 600_000);
  if (r.code !== 0) throw new Error(`scripts/ensure-python.sh failed: ${r.stderr}`);
  return r.stdout.trim().split('\n').pop()!;
}

describe('the official Python SDK against the simulator', () => {
  let sim: RunningSimulator;
  afterEach(async () => sim?.stop());

  test('Info, Exchange, orders, modify, cancel, market orders, isolated margin, builder fee, referrer, agent, WebSocket', async () => {
    const py = await python();
    sim = await startTestSim();
    const wallet = Wallet.createRandom();
    sim.admin.fund(wallet.address, '100000');
    const r = await run(py, [path.join(__dirname, 'fixtures', 'python_sdk_client.py')], { SIM_HTTP_URL: sim.httpUrl, SIM_TEST_KEY: wallet.privateKey, PYTHONUNBUFFERED: '1' }, 120_000);
    if (r.code !== 0) throw new Error(`python SDK run failed (${r.code}):\n${r.stderr}\n${r.stdout.slice(-2000)}`);
    const out = JSON.parse(r.stdout.trim().split('\n').pop()!);
    const statuses = (x: any) => x.response.data.statuses;

    // start-up calls in the venue's shapes
    expect(out.metaNames).toEqual(['BTC', 'ETH', 'SOL']);
    expect(out.spotMeta).toMatchObject({ universe: [], tokens: [{ name: 'USDC', index: 0 }] });
    expect(out.perpDexs).toEqual([null]);
    expect(out.userAbstraction).toBe('default');
    expect(out.userFees).toMatchObject({ userCrossRate: '0.00045', userAddRate: '0.00015', dailyUserVlm: [] });
    expect(out.spotUserState).toEqual({ balances: [] });
    expect(out.subAccounts).toBeNull();
    for (const v of Object.values(out.mids) as string[]) expect(v).toMatch(/^\d+\.\d+$/);

    // place, query by oid and cloid, modify (new oid, same cloid), cancel by cloid and oid
    const cloid = '0x000000000000000000000000000000c1';
    const oid = statuses(out.placed)[0].resting.oid;
    expect(out.byOid.order).toMatchObject({ status: 'open', order: { oid, cloid } });
    expect(out.byCloid.order.order.oid).toBe(oid);
    expect(out.openOrders).toEqual([expect.objectContaining({ oid, coin: 'BTC', sz: '0.001' })]);
    expect(out.frontendOpenOrders[0]).toMatchObject({ oid, tif: 'Gtc', orderType: 'Limit', reduceOnly: false });
    const newOid = statuses(out.modified)[0].resting.oid;
    expect(newOid).not.toBe(oid);
    expect(out.afterModify).toEqual([expect.objectContaining({ oid: newOid, cloid, sz: '0.002' })]);
    expect(statuses(out.cancelByCloid)).toEqual(['success']);
    expect(statuses(out.cancel)).toEqual(['success']);
    expect(statuses(out.cancelAgain)).toEqual([{ error: 'Order was never placed, already canceled, or filled. asset=0' }]);
    expect(out.overWeight).toEqual({ status: 'err', response: 'Signed action over weight limit of 200.' });
    expect(out.scheduleCancel.response).toMatch(/^Cannot set scheduled cancel time until enough volume traded/);

    // leverage and isolated margin
    expect(out.leverageCross).toEqual({ status: 'ok', response: { type: 'default' } });
    expect(out.leverageIsolated).toEqual({ status: 'ok', response: { type: 'default' } });
    expect(statuses(out.marketOpen)[0].filled.totalSz).toBe('0.05');
    const iso = out.isolatedPosition;
    expect(iso.leverage).toMatchObject({ type: 'isolated', value: 10 });
    expect(Number(iso.leverage.rawUsd)).toBeLessThan(0);
    expect(Number(iso.liquidationPx)).toBeGreaterThan(0);
    expect(Number(iso.liquidationPx)).toBeLessThan(Number(iso.entryPx));
    expect(out.addMargin).toEqual({ status: 'ok', response: { type: 'default' } });
    expect(Number(out.isolatedAfterAdd.marginUsed) - Number(iso.marginUsed)).toBeCloseTo(25, 6);
    expect(Number(out.isolatedAfterAdd.liquidationPx)).toBeLessThan(Number(iso.liquidationPx));
    expect(out.removeTooMuch.status).toBe('err');
    expect(statuses(out.marketClose)[0].filled.totalSz).toBe('0.05');
    expect(out.positionsAfterClose).toEqual([]);

    // builder fee: refused until approved, then charged inside the fill's fee
    expect(out.unapprovedBuilder).toEqual({ status: 'err', response: 'Builder fee has not been approved.' });
    expect(out.approveBuilderFee).toEqual({ status: 'ok', response: { type: 'default' } });
    expect(out.maxBuilderFee).toBe(10);
    const builderOid = statuses(out.builderOrder)[0].filled.oid;
    const builderFill = out.userFills.find((f: any) => f.oid === builderOid);
    const ntl = Number(builderFill.px) * Number(builderFill.sz);
    expect(Number(builderFill.builderFee)).toBeCloseTo(ntl * 0.0001, 6); // f = 10 tenths of a bp = 1 bp
    expect(out.setReferrer).toEqual({ status: 'ok', response: { type: 'default' } });
    expect(out.referral.referredBy).toMatchObject({ code: 'SIMCODE' });

    // the agent trades for the account that approved it
    expect(out.approveAgent).toEqual({ status: 'ok', response: { type: 'default' } });
    const agentOid = statuses(out.agentOrder)[0].resting.oid;
    expect(out.agentOpen).toEqual([expect.objectContaining({ oid: agentOid, coin: 'SOL', side: 'A' })]);
    expect(statuses(out.agentCancel)).toEqual(['success']);
    expect(out.extraAgents).toEqual([{ address: out.agentAddress.toLowerCase(), name: 'bot', validUntil: null }]);
    // every order the SDK placed, newest first, with its final status
    expect(out.historicalOrders[0]).toMatchObject({ status: 'canceled', order: { oid: agentOid } });
    expect(out.historicalOrders.map((h: any) => h.order.oid)).toContain(oid);

    // WebSocket: every subscription delivered frames
    expect(out.wsChannels).toEqual(['allMids', 'bbo', 'l2Book', 'orderUpdates', 'trades', 'userEvents', 'userFills']);

    // the simulator's own books agree with what the SDK saw
    const st = sim.admin.state(wallet.address);
    expect(st.positions).toEqual([]);
    expect(st.openOrders).toEqual([]);
    expect(st.fills).toHaveLength(out.userFills.length);
    expect(st.agents.map((a) => a.address)).toEqual([out.agentAddress.toLowerCase()]);
  }, 900_000);
});
