/**
 * `hlx recover [--expect 0xADDR]` — the address the venue will recover from a signed action (L1 or user-signed)
 * (same stdin payload as `hlx sign` plus `signature`). If it is not your signer or agent, the
 * venue answers "User or API Wallet <that address> does not exist.". Exit 1 when --expect differs.
 */
import { parseArgs } from 'node:util';
import { CliError } from '../errors';
import { recoverL1Signer, recoverUserSignedSigner, WireFormatError } from '../../exchange/hyperliquid';
import { hashPayload, parsePayload, printWarnings, readStdin, recoverPayloadSchema } from './sign';
import { hashUserSigned, isUserSignedType } from './sign-user';

export const summary = 'recover [--expect 0xADDR] < payload.json: the address the venue recovers from a signed action';

const USAGE = [
  'usage: hlx recover [--expect 0xADDRESS] < {"action":{…},"nonce":N,"vaultAddress"?,"expiresAfter"?,"isMainnet"?:bool,"signature":{"r","s","v"}}',
  '  L1 actions need isMainnet; user-signed ones (approveAgent, usdSend, withdraw3, approveBuilderFee) carry hyperliquidChain',
  '  prints {signer, connectionId} (L1) or {signer, digest} (user-signed); exit 1 when --expect differs',
].join('\n');

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
  let signer: string;
  let out: { signer: string; connectionId?: string; digest?: string; matches?: boolean };
  try {
    if (isUserSignedType(payload.action.type)) {
      const u = hashUserSigned(payload.action, payload.nonce, payload.isMainnet);
      printWarnings('recover', u.warnings);
      signer = recoverUserSignedSigner(u.action, u.types, payload.signature);
      out = { signer, digest: u.digest };
    } else {
      const hashed = hashPayload(payload);
      printWarnings('recover', hashed.warnings);
      signer = recoverL1Signer(hashed.action, payload.nonce, hashed.opts, payload.signature);
      out = { signer, connectionId: hashed.connectionId };
    }
  } catch (e) {
    if (e instanceof WireFormatError) throw new CliError(e.message);
    throw e;
  }
  if (expect !== undefined) out.matches = signer.toLowerCase() === expect.toLowerCase();
  process.stdout.write(JSON.stringify(out, null, 2) + '\n');
  return out.matches === false ? 1 : 0;
}
