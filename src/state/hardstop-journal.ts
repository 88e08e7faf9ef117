/**
 * The HardStop journal: `<stateDir>/<sessionId>/hardstop.jsonl` (stateDir = HLX_STATE_DIR, default
 * `.run/state`). A triggered HardStop is written here — synchronously, fsync'd, by atomic
 * replace — before the hot path does anything else about it, and stays until Temporal has
 * acknowledged the session's `hardStop` signal. The next start of the hot path reads the journal
 * first: an unacknowledged HardStop latches the new hot path at once and is delivered before the
 * session is asked anything, so a HardStop never dies with the process that raised it.
 *
 * One JSON object per line, each an unacknowledged HardStop: {id, reason, source, at, details?}.
 * Acknowledged entries are removed (the file is rewritten without them); an empty file means
 * nothing is owed. A line that does not parse is kept as an entry with reason "Operator" and the
 * raw text in details: a damaged journal still latches (fail closed).
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { z } from 'zod';
import { readEnv } from '../config/env';
import { PROJECT_ROOT } from '../config/temporal';

export interface JournalEntry {
  /** unique within the journal: `<at>-<pid>-<n>` */
  id: string;
  reason: string;
  source: string;
  /** ms since epoch, the hot path's clock */
  at: number;
  details?: Record<string, unknown>;
}

const EntrySchema = z.object({
  id: z.string().min(1),
  reason: z.string().min(1),
  source: z.string(),
  at: z.number(),
  details: z.record(z.string(), z.unknown()).optional(),
});

/** The session's state directory (journal, risk checkpoint). */
export function stateRoot(env: NodeJS.ProcessEnv = process.env): string {
  return readEnv('HLX_STATE_DIR', env) ?? path.join(PROJECT_ROOT, '.run', 'state');
}

export function sessionStateDir(sessionId: string, root = stateRoot()): string {
  return path.join(root, sessionId.replace(/[^A-Za-z0-9._-]/g, '_'));
}

/** Writes `text` to `file` so that a reader (or the next start after a crash) sees all or nothing. */
export function writeFileDurably(file: string, text: string): void {
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  const fd = fs.openSync(tmp, 'w');
  try {
    fs.writeSync(fd, text);
    fs.fsyncSync(fd);
  } finally {
    fs.closeSync(fd);
  }
  fs.renameSync(tmp, file);
  // the rename itself is durable only once the directory is
  const dfd = fs.openSync(path.dirname(file), 'r');
  try {
    fs.fsyncSync(dfd);
  } finally {
    fs.closeSync(dfd);
  }
}

export class HardStopJournal {
  readonly file: string;
  private seq = 0;

  constructor(sessionId: string, root = stateRoot()) {
    this.file = path.join(sessionStateDir(sessionId, root), 'hardstop.jsonl');
  }

  /** Every unacknowledged HardStop, oldest first. */
  pending(): JournalEntry[] {
    let text: string;
    try {
      text = fs.readFileSync(this.file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: JournalEntry[] = [];
    text.split('\n').forEach((line, i) => {
      if (line.trim() === '') return;
      let parsed: unknown;
      try {
        parsed = JSON.parse(line);
      } catch {
        parsed = undefined;
      }
      const r = EntrySchema.safeParse(parsed);
      out.push(r.success ? r.data : { id: `damaged-line-${i + 1}`, reason: 'Operator', source: 'journal', at: 0, details: { damagedLine: line.slice(0, 500) } });
    });
    return out;
  }

  /** Records a HardStop (fsync'd before it returns) and gives back its entry. */
  record(e: Omit<JournalEntry, 'id'>): JournalEntry {
    const entry: JournalEntry = { id: `${e.at}-${process.pid}-${++this.seq}`, ...e };
    this.rewrite([...this.pending(), entry]);
    return entry;
  }

  /** Temporal acknowledged the entry: it is no longer owed. */
  ack(id: string): void {
    const left = this.pending().filter((x) => x.id !== id);
    this.rewrite(left);
  }

  private rewrite(entries: JournalEntry[]): void {
    writeFileDurably(this.file, entries.map((x) => JSON.stringify(x) + '\n').join(''));
  }
}
