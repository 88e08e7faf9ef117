/**
 * `hlx sign` — signs an L1 action the way the venue will verify it, to debug the opaque
 * "User or API Wallet 0x… does not exist." (the venue recovered a different address because the
 * bytes it rebuilt differ from the bytes signed). Reads
 * {action, nonce, vaultAddress?, expiresAfter?, isMainnet} on stdin, the key from HL_PRIVATE_KEY,
 * and prints {msgpackHex, connectionId, signature:{r,s,v}, signer}.
 */
import { CliError } from '../errors';
import { Signer, SignerError } from '../../exchange/hyperliquid';
import { hashPayload, parsePayload, readStdin, signPayloadSchema } from './sign-payload';

export const summary = 'sign < payload.json: sign an L1 action with HL_PRIVATE_KEY; print msgpack, connection id, signature, signer';

const USAGE = 'usage: HL_PRIVATE_KEY=0x… hlx sign < {"action":{…},"nonce":N,"vaultAddress"?:"0x…","expiresAfter"?:N,"isMainnet":bool}';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (argv.length > 0) throw new CliError(`unexpected argument ${JSON.stringify(argv[0])}\n${USAGE}`);
  const payload = parsePayload(await readStdin(), signPayloadSchema);
  const hashed = hashPayload(payload);
  let signer: Signer;
  try {
    signer = Signer.fromEnv('HL_PRIVATE_KEY');
  } catch (e) {
    if (e instanceof SignerError) throw new CliError(e.message);
    throw e;
  }
  const signature = signer.signL1(hashed.action, payload.nonce, hashed.opts);
  process.stdout.write(
    JSON.stringify({ msgpackHex: hashed.msgpackHex, connectionId: hashed.connectionId, signature, signer: signer.address }, null, 2) + '\n',
  );
  return 0;
}
