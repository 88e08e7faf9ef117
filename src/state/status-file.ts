/**
 * The hot path's status file: `.run/status/<sessionId>.json`, rewritten every second by the
 * hot-path process and read by the operator CLI on the same machine (`hlx session status`,
 * `hlx report`). Lives here, below both, so the worker does not import the CLI.
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { readEnv } from '../config/env';
import { PROJECT_ROOT } from '../config/temporal';
import type { HotPathStatusJson } from '../../activities/hotpath';

export function statusDir(): string {
  return readEnv('HLX_STATUS_DIR') ?? path.join(PROJECT_ROOT, '.run', 'status');
}

export function statusFilePath(sessionId: string): string {
  return path.join(statusDir(), `${sessionId.replace(/[^A-Za-z0-9._-]/g, '_')}.json`);
}

/** Atomically replace the status file (a reader never sees half a file). */
export function writeStatusFile(sessionId: string, status: HotPathStatusJson): void {
  const file = statusFilePath(sessionId);
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const tmp = `${file}.${process.pid}.tmp`;
  fs.writeFileSync(tmp, JSON.stringify(status));
  fs.renameSync(tmp, file);
}

/** The hot path's status if its worker wrote one within `maxAgeMs`; null when it is not alive here. */
export function readStatusFile(sessionId: string, maxAgeMs = 3_000, now = Date.now()): HotPathStatusJson | null {
  try {
    const s = JSON.parse(fs.readFileSync(statusFilePath(sessionId), 'utf8')) as HotPathStatusJson;
    return typeof s.at === 'number' && now - s.at <= maxAgeMs ? s : null;
  } catch {
    return null;
  }
}
