/**
 * Fleet rows for the operator commands: the sessions of a scope from visibility, each one's
 * `state` query, and — for sessions whose hot-path worker runs on this machine — its pnl and
 * positions from the status file it writes.
 */
import type { Client } from '@temporalio/client';
import { listSessions, readStates, type FleetSession } from '../fleet/client';
import type { FleetScope } from '../fleet/queries';
import { fleetRow, type FleetRow } from '../fleet/table';
import { readStatusFile } from './session-target';

export async function fleetRows(client: Client, scope: FleetScope, only?: ReadonlySet<string>): Promise<{ rows: FleetRow[]; sessions: FleetSession[] }> {
  let sessions = await listSessions(client, scope);
  if (only) sessions = sessions.filter((s) => only.has(s.sessionId));
  const states = await readStates(client, sessions.map((s) => s.sessionId));
  const rows = sessions.map((s) => {
    const hot = readStatusFile(s.sessionId);
    return fleetRow(s, states.get(s.sessionId) ?? null, hot ? { pnlUsd: hot.risk.pnlCumulativeUsd, positions: hot.positions } : null);
  });
  return { rows, sessions };
}
