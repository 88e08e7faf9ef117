import fc from 'fast-check';
import {
  clearinghouseStateResponse,
  infoRequest,
  infoResponseSchemas,
  metaAndAssetCtxsResponse,
  orderStatusResponse,
} from '../../../src/exchange/hyperliquid/schemas/info';
import {
  GREETING_TEXT,
  frameMatches,
  outboundMessage,
  parseWsFrame,
  postIdInErrorText,
  subscriptionKey,
} from '../../../src/exchange/hyperliquid/schemas/ws';
import { endpointsFor } from '../../../src/exchange/hyperliquid/endpoints';

const USER = '0x14791697260e4c9a71f18484c9f997b308e59325';
const FILL = {
  coin: 'BTC', px: '97000.5', sz: '0.001', side: 'B', time: 1700000000000, startPosition: '0', dir: 'Open Long',
  closedPnl: '0.0', hash: '0xabc', oid: 12, crossed: true, fee: '0.0436', tid: 77, feeToken: 'USDC',
};

describe('info schemas', () => {
  it('accepts the documented requests and names the bad field', () => {
    expect(infoRequest.safeParse({ type: 'userFillsByTime', user: USER, startTime: 1 }).success).toBe(true);
    expect(infoRequest.safeParse({ type: 'orderStatus', user: USER, oid: '0x00000000000000000000000000000001' }).success).toBe(true);
    const bad = infoRequest.safeParse({ type: 'openOrders', user: '0x12' });
    expect(bad.success).toBe(false);
    expect(bad.error!.issues[0].path).toEqual(['user']);
  });

  it('keeps decimals as strings and rejects numbers where the venue sends strings', () => {
    const meta = { universe: [{ name: 'BTC', szDecimals: 5, maxLeverage: 50 }] };
    const ctx = { markPx: '97000.1', oraclePx: '97001', midPx: null, funding: '0.0000125', openInterest: '10', dayNtlVlm: '1', prevDayPx: '96000' };
    const r = metaAndAssetCtxsResponse.parse([meta, [ctx]]);
    expect(r[1][0].markPx).toBe('97000.1');
    expect(metaAndAssetCtxsResponse.safeParse([meta, [{ ...ctx, markPx: 97000.1 }]]).success).toBe(false);
    expect(metaAndAssetCtxsResponse.safeParse([meta, [{ ...ctx, markPx: '1e5' }]]).success).toBe(false);
  });

  it('parses clearinghouseState, orderStatus and fills with unknown extra fields kept', () => {
    const chs = clearinghouseStateResponse.parse({
      assetPositions: [{ type: 'oneWay', position: { coin: 'ETH', szi: '-0.5', entryPx: '3600', liquidationPx: null, leverage: { type: 'cross', value: 20 } } }],
      marginSummary: { accountValue: '1000', totalNtlPos: '1800', totalRawUsd: '2800', totalMarginUsed: '90' },
      withdrawable: '910', time: 1, somethingNew: 1,
    });
    expect(chs.assetPositions[0].position.szi).toBe('-0.5');
    expect((chs as Record<string, unknown>).somethingNew).toBe(1);
    expect(orderStatusResponse.parse({ status: 'unknownOid' }).status).toBe('unknownOid');
    expect(infoResponseSchemas.userFills.parse([FILL])[0].tid).toBe(77);
    expect(infoResponseSchemas.l2Book.safeParse({ coin: 'BTC', time: 1, levels: [[{ px: '1', sz: '2', n: 1 }]] }).success).toBe(false);
  });
});

describe('ws frames', () => {
  it('recognises the greeting, pong, post and channel frames', () => {
    expect(parseWsFrame(GREETING_TEXT)).toEqual({ ok: true, greeting: true });
    expect(parseWsFrame('{"channel":"pong"}')).toMatchObject({ ok: true, frame: { channel: 'pong' } });
    const post = parseWsFrame(JSON.stringify({ channel: 'post', data: { id: 5, response: { type: 'error', payload: '429 Too Many Requests' } } }));
    expect(post).toMatchObject({ ok: true, frame: { channel: 'post', data: { id: 5 } } });
    const fills = parseWsFrame(JSON.stringify({ channel: 'userFills', data: { isSnapshot: true, user: USER, fills: [FILL] } }));
    expect(fills.ok).toBe(true);
    const ev = parseWsFrame(JSON.stringify({ channel: 'user', data: { nonUserCancel: [{ coin: 'BTC', oid: 3 }] } }));
    expect(ev.ok).toBe(true);
    const ctx = parseWsFrame(JSON.stringify({ channel: 'activeAssetCtx', data: { coin: 'SOL', ctx: { markPx: '240.1', oraclePx: '240', midPx: '240.05' } } }));
    expect(ctx.ok).toBe(true);
  });

  it('returns a reason for malformed or unknown frames instead of throwing', () => {
    for (const text of ['{nope', '[]', '42', '{"data":1}', '{"channel":"mystery","data":{}}',
      '{"channel":"orderUpdates","data":[{"order":{"coin":"BTC"}}]}', '{"channel":"error","data":{"x":1}}']) {
      const r = parseWsFrame(text);
      expect(r.ok).toBe(false);
      if (!r.ok) expect(r.reason.length).toBeGreaterThan(0);
    }
    const r = parseWsFrame('{"channel":"userFills","data":{"user":"' + USER + '","fills":[{"coin":"BTC","px":1}]}}');
    expect(r.ok).toBe(false);
    if (!r.ok) expect(r.reason).toMatch(/data\.fills\.0\.px/);
  });

  it('matches frames to subscriptions and keys subscriptions case-insensitively', () => {
    const f = parseWsFrame(JSON.stringify({ channel: 'l2Book', data: { coin: 'ETH', time: 1, levels: [[], []] } }));
    if (!f.ok || !('frame' in f)) throw new Error('parse');
    expect(frameMatches({ type: 'l2Book', coin: 'ETH' }, f.frame)).toBe(true);
    expect(frameMatches({ type: 'l2Book', coin: 'BTC' }, f.frame)).toBe(false);
    expect(subscriptionKey({ type: 'userEvents', user: USER.toUpperCase().replace('0X', '0x') })).toBe(subscriptionKey({ type: 'userEvents', user: USER }));
    expect(outboundMessage.safeParse({ method: 'subscribe', subscription: { type: 'userEvents', user: USER } }).success).toBe(true);
    expect(postIdInErrorText('too many pending post requests id=1234')).toBe(1234);
    expect(postIdInErrorText('Error parsing JSON into valid websocket request: {"method":"post","id":77,"request":1}')).toBe(77);
    expect(postIdInErrorText('Cannot track more than 10 total users.')).toBeUndefined();
    expect(postIdInErrorText('Invalid subscription {"type":"l2Book","coin":"valid"}')).toBeUndefined();
  });
});

describe('endpoints', () => {
  it('maps networks and overrides', () => {
    expect(endpointsFor('mainnet')).toEqual({ httpUrl: 'https://api.hyperliquid.xyz', wsUrl: 'wss://api.hyperliquid.xyz/ws', isMainnet: true });
    expect(endpointsFor('testnet').wsUrl).toBe('wss://api.hyperliquid-testnet.xyz/ws');
    expect(endpointsFor('sim', { httpUrl: 'http://127.0.0.1:9000/' })).toEqual({ httpUrl: 'http://127.0.0.1:9000', wsUrl: 'ws://127.0.0.1:9000/ws', isMainnet: false });
  });
});

describe('parseWsFrame never throws', () => {
  const channels = ['post', 'pong', 'error', 'allMids', 'l2Book', 'bbo', 'trades', 'orderUpdates', 'userFills', 'user', 'clearinghouseState', 'openOrders', 'activeAssetCtx', 'subscriptionResponse', 'nope'];
  it('on arbitrary text and on arbitrary JSON under every channel', () => {
    fc.assert(
      fc.property(fc.string(), (t) => {
        const r = parseWsFrame(t);
        return typeof r.ok === 'boolean';
      }),
      { numRuns: 2_000 },
    );
    fc.assert(
      fc.property(fc.constantFrom(...channels), fc.jsonValue(), (channel, data) => {
        const r = parseWsFrame(JSON.stringify({ channel, data }));
        return r.ok ? true : typeof r.reason === 'string' && r.reason.length > 0;
      }),
      { numRuns: 5_000 },
    );
  });
});
