import { parseStopWorkerEnv, StopWorkerConfigError } from '../../../workers/stop-worker';

const KEY = '0x' + 'ab'.repeat(32);
const ACCOUNT = '0x' + '12'.repeat(20);

describe('stop worker environment', () => {
  test('a complete environment parses, with sim as the default network', () => {
    const e = parseStopWorkerEnv({ HLX_ACCOUNT: ACCOUNT, HL_PRIVATE_KEY: KEY });
    expect(e.HLX_NETWORK).toBe('sim');
    expect(e.HLX_STOP_WORKER_SESSION).toBe('1');
  });

  test('errors name the variable', () => {
    expect(() => parseStopWorkerEnv({ HL_PRIVATE_KEY: KEY })).toThrow(/HLX_ACCOUNT/);
    expect(() => parseStopWorkerEnv({ HLX_ACCOUNT: 'nope', HL_PRIVATE_KEY: KEY })).toThrow(/HLX_ACCOUNT/);
    expect(() => parseStopWorkerEnv({ HLX_ACCOUNT: ACCOUNT })).toThrow(/HL_PRIVATE_KEY/);
    expect(() => parseStopWorkerEnv({ HLX_ACCOUNT: ACCOUNT, HLX_KEYSTORE: '/k.json' })).toThrow(/HLX_KEYSTORE_PASSWORD/);
    expect(() => parseStopWorkerEnv({ HLX_ACCOUNT: ACCOUNT, HL_PRIVATE_KEY: KEY, HLX_NETWORK: 'devnet' })).toThrow(/HLX_NETWORK/);
    expect(() => parseStopWorkerEnv({ HLX_ACCOUNT: ACCOUNT, HL_PRIVATE_KEY: KEY, HLX_VENUE_HTTP_URL: 'not a url' })).toThrow(/HLX_VENUE_HTTP_URL/);
    expect(() => parseStopWorkerEnv({})).toThrow(StopWorkerConfigError);
  });

  test('a key never appears in an error', () => {
    let msg = '';
    try {
      parseStopWorkerEnv({ HLX_ACCOUNT: 'bad', HL_PRIVATE_KEY: KEY, HLX_NETWORK: 'x' });
    } catch (e) {
      msg = String((e as Error).message) + JSON.stringify(e);
    }
    expect(msg).toMatch(/HLX_ACCOUNT/);
    expect(msg).not.toContain('ab'.repeat(32));
  });
});
