import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { HardStopJournal, sessionStateDir } from '../../../src/state/hardstop-journal';

let root: string;
beforeEach(() => (root = fs.mkdtempSync(path.join(os.tmpdir(), 'hlx-j-'))));
afterEach(() => fs.rmSync(root, { recursive: true, force: true }));

test('records survive a new instance (a new process) until acknowledged, oldest first', () => {
  const j = new HardStopJournal('hlx-session-0xabc-demo', root);
  expect(j.file).toBe(path.join(root, 'hlx-session-0xabc-demo', 'hardstop.jsonl'));
  const a = j.record({ reason: 'Operator', source: 'ctrl-c', at: 1 });
  const b = j.record({ reason: 'CumulativeLoss', source: 'risk-monitor', at: 2, details: { pnl: '-5' } });
  const again = new HardStopJournal('hlx-session-0xabc-demo', root);
  expect(again.pending().map((e) => e.id)).toEqual([a.id, b.id]);
  again.ack(a.id);
  expect(j.pending()).toEqual([b]);
  j.ack(b.id);
  expect(j.pending()).toEqual([]);
  // no temp file is left beside it
  expect(fs.readdirSync(path.dirname(j.file))).toEqual(['hardstop.jsonl']);
});

test('a damaged line still latches (fail closed): it reads as an Operator HardStop carrying the raw text', () => {
  const j = new HardStopJournal('s', root);
  j.record({ reason: 'NoGo', source: 'risk-monitor', at: 5 });
  fs.appendFileSync(j.file, '{"id":"x","reas');
  const p = j.pending();
  expect(p).toHaveLength(2);
  expect(p[1]).toMatchObject({ reason: 'Operator', source: 'journal', details: { damagedLine: '{"id":"x","reas' } });
});

test('session ids are made safe as directory names', () => {
  expect(sessionStateDir('a/b:c', root)).toBe(path.join(root, 'a_b_c'));
});
