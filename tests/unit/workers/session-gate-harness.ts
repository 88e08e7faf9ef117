/** A hot path on the example config and fake venue, and a SessionGate over a fake session handle: the session-gate tests share these. */
import { parse } from 'yaml';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSessionConfig } from '../../../src/config/session';
import { createHotPath, type HotPath } from '../../../src/executor/hot-path';
import { SessionGate, type SessionGateDeps } from '../../../workers/hotpath/session-gate';
import { createLogger } from '../../../src/util/log';
import { FakeWire, MARKETS } from '../executor/harness';
import { FakeVenue } from '../executor/fake-venue';

export function hotPath(): { hp: HotPath; venue: FakeVenue } {
  const raw = parse(fs.readFileSync(path.join(__dirname, '../../../config/session.example.yaml'), 'utf8'));
  const venue = new FakeVenue();
  const hp = createHotPath({
    config: parseSessionConfig(raw),
    markets: MARKETS.map(({ coin, asset, szDecimals }) => ({ coin, asset, szDecimals })),
    wire: new FakeWire(),
    transport: venue,
    hardStopPort: { signalHardStop: async () => {} },
    alert: { alert: () => {} },
    cloidPrefix: '0123456789abcdef',
  });
  for (const m of MARKETS) hp.onMarkUpdate({ coin: m.coin, markPx: m.mark, midPx: m.mark, at: Date.now() });
  return { hp, venue };
}

/** `handle`: the session's query / describe / signal, faked by the test. */
export function gateOver(hp: HotPath, handle: unknown, o: Partial<SessionGateDeps> = {}): SessionGate {
  return new SessionGate({
    link: {} as never,
    handle: handle as never,
    holder: { current: hp } as never,
    hostId: 'h',
    hotPathTaskQueue: 'q',
    markets: ['BTC'],
    pending: { track: () => {} } as never,
    log: createLogger('test'),
    clock: Date.now,
    phasePollMs: 60_000,
    temporalStaleMs: 60_000,
    onResumed: () => {},
    ...o,
  });
}
