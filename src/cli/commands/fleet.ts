/**
 * `hlx fleet status [--account 0x…] [--once] [--interval MS] [--json]`: every running session of
 * the namespace (found through the TradingAccount / TradingPhase search attributes) with its
 * account, phase, positions, pnl and last HardStop. On a terminal it refreshes in place until
 * Ctrl+C; piped, it prints the table once (or on every change with --watch).
 *
 * The same list with Temporal's own CLI:
 *   temporal workflow list --query "WorkflowType = 'tradingSession' AND ExecutionStatus = 'Running'"
 */
import { z } from 'zod';
import { CliError } from '../errors';
import { fleetRows } from '../fleet-rows';
import { IntFlag, parseFlags } from '../operator-args';
import { connectForCli } from '../session-target';
import { endFrames, redrawFrame } from '../status-view';
import { FleetScopeError, normalizeAccount } from '../../fleet/queries';
import { renderFleet } from '../../fleet/table';

export const summary = 'fleet status [--account 0x…]: every session of the namespace, refreshed in place';

const USAGE = 'usage: hlx fleet status [--account 0x…] [--once | --watch] [--interval MS] [--json]';

export async function run(argv: string[]): Promise<number> {
  const [sub, ...rest] = argv;
  if (sub !== 'status') throw new CliError(`${sub === undefined ? 'a subcommand is required' : `unknown subcommand ${JSON.stringify(sub)}`}\n${USAGE}`);
  const o = parseFlags(
    rest,
    { account: { type: 'string' }, once: { type: 'boolean' }, watch: { type: 'boolean' }, interval: { type: 'string' }, json: { type: 'boolean' } },
    z.object({
      account: z.string().optional(),
      once: z.boolean().optional(),
      watch: z.boolean().optional(),
      interval: IntFlag(100).optional(),
      json: z.boolean().optional(),
    }),
    USAGE,
  );
  if (o.once && o.watch) throw new CliError(`--once and --watch: give one of them\n${USAGE}`);
  let account: string | undefined;
  try {
    account = o.account === undefined ? undefined : normalizeAccount(o.account);
  } catch (e) {
    if (e instanceof FleetScopeError) throw new CliError(`--${e.message}`);
    throw e;
  }
  const t = await connectForCli();
  const out = process.stdout;
  const live = o.watch || (!o.once && !o.json && Boolean(out.isTTY));
  let drawn = 0;
  let stopped = false;
  const onSigint = () => (stopped = true);
  process.on('SIGINT', onSigint);
  try {
    let last = '';
    do {
      const { rows } = await fleetRows(t.client, account ? { account } : {});
      if (o.json) {
        out.write(JSON.stringify(rows) + '\n');
      } else {
        const lines = renderFleet(rows, Date.now());
        if (live && out.isTTY) drawn = redrawFrame(out, lines, drawn);
        else {
          const body = lines.slice(1).join('\n');
          if (body !== last) out.write(lines.join('\n') + '\n');
          last = body;
        }
      }
      if (!live) break;
      await new Promise((r) => setTimeout(r, o.interval ?? 1_000));
    } while (!stopped);
    return 0;
  } finally {
    endFrames(out, drawn);
    process.off('SIGINT', onSigint);
    await t.close();
  }
}
