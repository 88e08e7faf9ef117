/**
 * `hlx sim --port P --seed S --markets BTC,ETH,SOL --chain testnet --fund ADDR=USD … [--admin-port P]`
 * runs the embedded Hyperliquid-compatible venue until SIGINT/SIGTERM and prints its URLs.
 */
import { parseArgs } from 'node:util';
import { z } from 'zod';
import { CliError } from '../errors';
import { formatZodError } from '../../config/zod-error';
import { ADMIN_OP_NAMES, KNOWN_MARKETS, startSimulator } from '../../sim';

export const summary = 'sim --port P --seed S --markets BTC,ETH,SOL [--chain testnet|mainnet] [--fund ADDR=USD]…: run the simulated venue';

const USAGE =
  'usage: hlx sim [--port 8080] [--host 127.0.0.1] [--seed 1] [--markets BTC,ETH,SOL] [--chain testnet|mainnet] ' +
  '[--fund 0xADDR=USD]… [--admin-port P] [--tick-ms 1000] [--ip-weight-per-min 1200]';

const port = (flag: string) =>
  z
    .string()
    .regex(/^\d+$/, `--${flag}: expected a port number`)
    .transform(Number)
    .refine((n) => n >= 0 && n <= 65535, `--${flag}: must be 0..65535`);

const argsSchema = z.object({
  port: port('port').default(8080),
  host: z.string().min(1).default('127.0.0.1'),
  seed: z.string().regex(/^\d+$/, '--seed: expected a non-negative integer').transform(Number).default(1),
  markets: z
    .string()
    .default('BTC,ETH,SOL')
    .transform((s) => s.split(',').map((m) => m.trim().toUpperCase()).filter(Boolean))
    .refine((l) => l.length > 0, '--markets: list at least one market')
    .refine((l) => l.every((m) => m in KNOWN_MARKETS), `--markets: known markets are ${Object.keys(KNOWN_MARKETS).join(',')}`),
  chain: z.enum(['testnet', 'mainnet'], { message: '--chain: testnet or mainnet' }).default('testnet'),
  fund: z
    .array(z.string().regex(/^0x[0-9a-fA-F]{40}=\d+(\.\d+)?$/, '--fund: expected 0xADDRESS=USD, e.g. 0xabc…=10000'))
    .default([]),
  adminPort: port('admin-port').default(0),
  tickMs: z.string().regex(/^\d+$/, '--tick-ms: expected milliseconds').transform(Number).default(1000),
  ipWeightPerMin: z.string().regex(/^\d+$/, '--ip-weight-per-min: expected an integer').transform(Number).optional(),
});

export async function run(argv: string[]): Promise<number> {
  let values;
  try {
    ({ values } = parseArgs({
      args: argv,
      options: {
        port: { type: 'string' },
        host: { type: 'string' },
        seed: { type: 'string' },
        markets: { type: 'string' },
        chain: { type: 'string' },
        fund: { type: 'string', multiple: true },
        'admin-port': { type: 'string' },
        'tick-ms': { type: 'string' },
        'ip-weight-per-min': { type: 'string' },
        help: { type: 'boolean', short: 'h' },
      },
      strict: true,
      allowPositionals: false,
    }));
  } catch (e) {
    throw new CliError(`${(e as Error).message}\n${USAGE}`);
  }
  if (values.help) {
    console.log(USAGE);
    return 0;
  }
  const parsed = argsSchema.safeParse({
    port: values.port,
    host: values.host,
    seed: values.seed,
    markets: values.markets,
    chain: values.chain,
    fund: values.fund,
    adminPort: values['admin-port'],
    tickMs: values['tick-ms'],
    ipWeightPerMin: values['ip-weight-per-min'],
  });
  if (!parsed.success) throw new CliError(`${formatZodError(parsed.error)}\n${USAGE}`);
  const o = parsed.data;
  const fund: Record<string, string> = {};
  for (const f of o.fund) {
    const [address, usd] = f.split('=');
    fund[address] = usd;
  }
  let sim;
  try {
    sim = await startSimulator({
      port: o.port,
      host: o.host,
      seed: o.seed,
      markets: o.markets,
      chain: o.chain,
      fund,
      adminPort: o.adminPort,
      tickMs: o.tickMs,
      ...(o.ipWeightPerMin !== undefined ? { limits: { ipWeightPerMinute: o.ipWeightPerMin } } : {}),
    });
  } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    if (code === 'EADDRINUSE') throw new CliError(`--port/--admin-port: address already in use (${(e as Error).message})`, 1);
    throw e;
  }
  console.log(`hlx sim: ${o.chain} venue, markets ${o.markets.join(',')}, seed ${o.seed}`);
  console.log(`  http  ${sim.httpUrl}   (POST /info, POST /exchange)`);
  console.log(`  ws    ${sim.wsUrl}`);
  console.log(`  admin ${sim.adminUrl}/admin/<op>   ops: ${ADMIN_OP_NAMES.join(', ')}`);
  for (const [address, usd] of Object.entries(fund)) console.log(`  funded ${address} with ${usd} USDC`);
  await new Promise<void>((resolve) => {
    const done = () => resolve();
    process.once('SIGINT', done);
    process.once('SIGTERM', done);
  });
  await sim.stop();
  console.log('hlx sim: stopped');
  return 0;
}
