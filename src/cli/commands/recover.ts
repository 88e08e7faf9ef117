/**
 * `hlx recover [--expect 0xADDR]` — the address the venue will recover from a signed L1 action
 * (same stdin payload as `hlx sign` plus `signature`). If it is not your signer or agent, the
 * venue answers "User or API Wallet <that address> does not exist.". Exit 1 when --expect differs.
 */
import { parseArgs } from 'node:util';
import { CliError } from '../errors';
import { recoverL1Signer, WireFormatError } from '../../exchange/hyperliquid';
import { hashPayload, parsePayload, readStdin, recoverPayloadSchema } from './sign';

export const summary = 'recover [--expect 0xADDR] < payload.json: the address the venue recovers from a signed action';

const USAGE = 'usage: hlx recover [--expect 0xADDRESS] < {"action":{…},"nonce":N,"vaultAddress"?,"expiresAfter"?,"isMainnet":bool,"signature":{"r","s","v"}}';

export async function run(argv: string[]): Promise<number> {
  let expect: string | undefined;
  try {
    const { values } = parseArgs({ args: argv, options: { expect: { type: 'string' }, help: { type: 'boolean', short: 'h' } }, strict: true, allowPositionals: false });
    if (values.help) {
      console.log(USAGE);
      return 0;
    }
    expect = values.expect;
  } catch (e) {
    throw new CliError(`${(e instanceof Error ? e.message : String(e)).split('\n')[0]} (see hlx recover --help)`);
  }
  if (expect !== undefined && !/^0x[0-9a-fA-F]{40}$/.test(expect)) throw new CliError('--expect: expected a 0x-prefixed 20-byte hex address');
  const payload = parsePayload(await readStdin(), recoverPayloadSchema);
  const hashed = hashPayload(payload);
  let signer: string;
  try {
    signer = recoverL1Signer(hashed.action, payload.nonce, hashed.opts, payload.signature);
  } catch (e) {
    if (e instanceof WireFormatError) throw new CliError(e.message);
    throw e;
  }
  const out: { signer: string; connectionId: string; matches?: boolean } = { signer, connectionId: hashed.connectionId };
  if (expect !== undefined) out.matches = signer.toLowerCase() === expect.toLowerCase();
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return out.matches === false ? 1 : 0;
}
