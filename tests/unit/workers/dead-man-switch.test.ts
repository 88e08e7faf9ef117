/**
 * #11 the venue's scheduled cancel as the hot path arms it, against the embedded simulator's own
 * /exchange (which refuses it below $1M volume, as the venue does), and the daily trigger budget.
 */
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { Wallet } from 'ethers';
import { HttpClient } from '../../../src/exchange/hyperliquid/http-client';
import { NonceManager } from '../../../src/exchange/hyperliquid/nonce';
import { Signer } from '../../../src/exchange/hyperliquid/signer';
import { startSimulator, type RunningSimulator } from '../../../src/sim';
import { sessionStateDir } from '../../../src/state/hardstop-journal';
import { createLogger } from '../../../src/util/log';
import { DAILY_TRIGGER_BUDGET, DeadManSwitch } from '../../../workers/hotpath/dead-man-switch';

let sim: RunningSimulator;
let root: string;
const signer = Signer.fromPrivateKey(Wallet.createRandom().privateKey);
beforeAll(async () => {
  sim = await startSimulator({ port: 0, tickMs: 0, seed: 3, fund: { [signer.address.toLowerCase()]: '1000' } });
});
afterAll(async () => sim.stop());
beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'hlx-dms-'))));
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

function dms(clock = Date.now) {
  const http = new HttpClient(sim.httpUrl);
  const nonces = new NonceManager();
  const wire = {
    nextNonce: () => nonces.next(),
    sign: (action: unknown, nonce: number) => ({ action, nonce, signature: signer.signL1(action, nonce, { isMainnet: false }) }),
  };
  return new DeadManSwitch({
    sessionId: 's1',
    stateRoot: root,
    wire: wire as never,
    transport: { post: (req) => http.exchange(req as never) as never },
    log: createLogger('t'),
    clock,
    leadMs: 10_000,
    rearmMs: 60_000,
  });
}

test('below $1M volume the venue refuses: shown as not armed, with its words', async () => {
  const d = dms();
  d.start();
  const until = Date.now() + 5_000;
  while (d.status().why === 'not armed yet' && Date.now() < until) await new Promise((r) => setTimeout(r, 20));
  expect(d.status()).toMatchObject({ armed: false, triggersToday: 0 });
  expect(d.status().why).toMatch(/Cannot set scheduled cancel time until enough volume traded/);
  await d.stop();
  // a refused arm is no outstanding trigger
  expect(JSON.parse(fs.readFileSync(path.join(sessionStateDir('s1', root), 'dead-man.json'), 'utf8'))).toMatchObject({ armedUntil: null, triggers: 0 });
});

test('an arm left outstanding by a dead process counts as a trigger; no arm once the day has used its ten', async () => {
  const file = path.join(sessionStateDir('s1', root), 'dead-man.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const now = Date.now();
  const today = new Date(now).toISOString().slice(0, 10);
  fs.writeFileSync(file, JSON.stringify({ day: today, triggers: 3, armedUntil: now + 1_000 }));
  expect(dms().status().triggersToday).toBe(4);
  fs.writeFileSync(file, JSON.stringify({ day: today, triggers: DAILY_TRIGGER_BUDGET - 1, armedUntil: now }));
  const d = dms();
  d.start();
  await new Promise((r) => setTimeout(r, 50));
  expect(d.status()).toMatchObject({ armed: false, triggersToday: DAILY_TRIGGER_BUDGET });
  expect(d.status().why).toMatch(/triggers of today are used up/);
  await d.stop();
  // yesterday's count does not carry over
  fs.writeFileSync(file, JSON.stringify({ day: '2000-01-01', triggers: 10, armedUntil: null }));
  expect(dms().status().triggersToday).toBe(0);
});
