/**
 * stop (#10): alert sinks against a real local HTTP receiver — generic JSON, Slack- and
 * Discord-compatible webhooks, a Telegram-bot-API-compatible URL, a command — and the retry
 * bookkeeping: a failing sink is retried alone (the delivered ones are in the heartbeat).
 */
import * as fs from 'node:fs';
import * as http from 'node:http';
import * as os from 'node:os';
import * as path from 'node:path';
import { createAlertActivities, alertSinksFromEnv, AlertConfigError } from '../../../src/alerts';
import { AlertsConfig } from '../../../src/alerts/config';
import type { AlertRequest } from '../../../src/orchestration/stop-activities';
import { setLogSink } from '../../../src/util/log';

beforeAll(() => setLogSink({ write: () => {} }));
afterAll(() => setLogSink(undefined));

const alert: AlertRequest = {
  level: 'critical',
  sessionId: 'hlx-session-0xab-demo',
  stopWorkflowId: 'hlx-session-0xab-demo-stop-1',
  outcome: 'STOP_STUCK',
  message: 'not flat after 6 rounds',
  remaining: [{ coin: 'BTC', szi: '-0.5' }],
  openOrdersLeft: 0,
};

let server: http.Server;
let base = '';
const got: { path: string; body: any }[] = [];
let failNext = 0;
beforeAll(async () => {
  server = http.createServer((req, res) => {
    let b = '';
    req.on('data', (d) => (b += d));
    req.on('end', () => {
      if (req.url?.startsWith('/flaky') && failNext > 0) {
        failNext--;
        res.writeHead(503).end('try later');
        return;
      }
      got.push({ path: req.url ?? '', body: JSON.parse(b) });
      res.writeHead(200).end('ok');
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  base = `http://127.0.0.1:${(server.address() as { port: number }).port}`;
});
afterAll(() => new Promise<void>((r) => server.close(() => r())));
beforeEach(() => (got.length = 0));

function heartbeat() {
  let d: string[] = [];
  return { details: () => d, beat: (x: string[]) => void (d = x) };
}

test('every sink kind receives what it expects', async () => {
  const out = path.join(fs.mkdtempSync(path.join(os.tmpdir(), 'hlx-alert-')), 'alert.json');
  const acts = createAlertActivities({ envSinks: [{ kind: 'command', command: `cat > ${out}` }], heartbeat: heartbeat() });
  const r = await acts.deliverAlert({
    alert,
    sinks: [
      { kind: 'webhook', url: `${base}/json` },
      { kind: 'webhook', url: `${base}/slack`, format: 'slack' },
      { kind: 'webhook', url: `${base}/discord`, format: 'discord' },
      { kind: 'telegram', url: `${base}/bot123:secret`, chatId: '-100' },
    ],
  });
  expect(r.delivered).toHaveLength(5);
  expect(r.delivered.join(' ')).not.toContain('secret');
  const by = Object.fromEntries(got.map((g) => [g.path, g.body]));
  expect(by['/json']).toMatchObject({ source: 'hl-executor', outcome: 'STOP_STUCK', sessionId: alert.sessionId, remaining: alert.remaining, text: expect.stringContaining('BTC -0.5') });
  expect(by['/slack']).toEqual({ text: expect.stringMatching(/^🚨 hl-executor STOP_STUCK: not flat after 6 rounds · positions left: BTC -0.5/) });
  expect(by['/discord']).toEqual({ content: expect.stringContaining('hl-executor STOP_STUCK') });
  expect(by['/bot123:secret/sendMessage']).toMatchObject({ chat_id: '-100', text: expect.stringContaining(alert.stopWorkflowId) });
  expect(JSON.parse(fs.readFileSync(out, 'utf8'))).toMatchObject({ outcome: 'STOP_STUCK', sessionId: alert.sessionId });
});

test('a failing sink makes the activity throw (Temporal retries it); the retry sends only to that sink', async () => {
  failNext = 1;
  const hb = heartbeat();
  const acts = createAlertActivities({ envSinks: [], heartbeat: hb });
  const sinks = [
    { kind: 'webhook' as const, url: `${base}/ok` },
    { kind: 'webhook' as const, url: `${base}/flaky` },
  ];
  await expect(acts.deliverAlert({ alert, sinks })).rejects.toThrow(/1 sink\(s\): session:1:webhook@127\.0\.0\.1:\d+: HTTP 503/);
  expect(got.map((g) => g.path)).toEqual(['/ok']);
  const r = await acts.deliverAlert({ alert, sinks });
  expect(got.map((g) => g.path)).toEqual(['/ok', '/flaky']);
  expect(r.delivered).toHaveLength(2);
});

test('a session-config sink that is not valid is refused, never run; commands come only from the environment', async () => {
  const acts = createAlertActivities({ envSinks: [], heartbeat: heartbeat() });
  const r = await acts.deliverAlert({ alert, sinks: [{ kind: 'command', command: 'touch /tmp/pwned' } as never, { kind: 'webhook', url: 'file:///etc/passwd' }] });
  expect(r.delivered).toEqual([]);
  expect(AlertsConfig.safeParse({ sinks: [{ kind: 'command', command: 'x' }] }).success).toBe(false);
});

test('sinks from the stop worker environment, parsed; errors name the variable', () => {
  expect(
    alertSinksFromEnv({ HLX_ALERT_WEBHOOK_URL: 'https://a.example/x, https://b.example/y', HLX_ALERT_WEBHOOK_FORMAT: 'discord', HLX_ALERT_TELEGRAM_URL: 'https://api.telegram.org/botT', HLX_ALERT_TELEGRAM_CHAT_ID: '7', HLX_ALERT_COMMAND: 'logger -t hlx' }),
  ).toEqual([
    { kind: 'webhook', url: 'https://a.example/x', format: 'discord' },
    { kind: 'webhook', url: 'https://b.example/y', format: 'discord' },
    { kind: 'telegram', url: 'https://api.telegram.org/botT', chatId: '7' },
    { kind: 'command', command: 'logger -t hlx' },
  ]);
  expect(alertSinksFromEnv({})).toEqual([]);
  expect(() => alertSinksFromEnv({ HLX_ALERT_WEBHOOK_URL: 'not a url' })).toThrow(/HLX_ALERT_WEBHOOK_URL/);
  expect(() => alertSinksFromEnv({ HLX_ALERT_TELEGRAM_URL: 'https://x.example' })).toThrow(AlertConfigError);
  expect(() => alertSinksFromEnv({ HLX_ALERT_WEBHOOK_FORMAT: 'teams' })).toThrow(/HLX_ALERT_WEBHOOK_FORMAT/);
});
