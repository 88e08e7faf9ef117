/** A hot path on config/session.example.yaml over a FakeVenue, quiet ports, marks set: the tests that need nothing more share it. */
import { parse } from 'yaml';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { parseSessionConfig } from '../../../src/config/session';
import { createHotPath, type HotPath } from '../../../src/executor/hot-path';
import { FakeWire, MARKETS } from './harness';
import { FakeVenue } from './fake-venue';

export interface ExampleHotPathOptions {
  /** changes to the parsed example config before it is validated */
  tweak?: (raw: Record<string, unknown>) => void;
  /** the hot path's clock (default: the real one) */
  clock?: () => number;
}

export function exampleHotPath(o: ExampleHotPathOptions = {}): { hp: HotPath; venue: FakeVenue } {
  const raw = parse(fs.readFileSync(path.join(__dirname, '../../../config/session.example.yaml'), 'utf8')) as Record<string, unknown>;
  o.tweak?.(raw);
  const venue = new FakeVenue();
  const hp = createHotPath({
    config: parseSessionConfig(raw),
    markets: MARKETS.map(({ coin, asset, szDecimals }) => ({ coin, asset, szDecimals })),
    wire: new FakeWire(),
    transport: venue,
    hardStopPort: { signalHardStop: async () => {} },
    alert: { alert: () => {} },
    ...(o.clock ? { clock: o.clock } : {}),
    cloidPrefix: '0123456789abcdef',
  });
  const at = (o.clock ?? Date.now)();
  for (const m of MARKETS) hp.onMarkUpdate({ coin: m.coin, markPx: m.mark, midPx: m.mark, at });
  return { hp, venue };
}
