/**
 * `hlx sign` — signs an L1 action the way the venue will verify it, to debug the opaque
 * "User or API Wallet 0x… does not exist." (the venue recovered a different address because the
 * bytes it rebuilt differ from the bytes signed). Reads
 * {action, nonce, vaultAddress?, expiresAfter?, isMainnet} on stdin, the key from HL_PRIVATE_KEY,
 * and prints {msgpackHex, connectionId, signature:{r,s,v}, signer}.
 *
 * The payload parsing below is shared with `hlx recover`: zod validation and canonical key order,
 * every failure a one-line CliError (exit 2) naming the field.
 */
import { z } from 'zod';
import { CliError } from '../errors';
import { formatZodError } from '../../config/zod-error';
import {
  actionHash,
  canonicalizeAction,
  encodeMsgpack,
  Signer,
  SignerError,
  toHex,
  WireFormatError,
  type L1Opts,
} from '../../exchange/hyperliquid';

const uint = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte hex address');
const hex32 = z.string().regex(/^0x[0-9a-fA-F]{1,64}$/, 'expected 0x-prefixed hex of at most 32 bytes');

export const signPayloadSchema = z.strictObject({
  action: z.record(z.string(), z.unknown()),
  nonce: uint,
  vaultAddress: address.nullish(),
  expiresAfter: uint.nullish(),
  isMainnet: z.boolean(),
});
export const recoverPayloadSchema = signPayloadSchema.extend({
  signature: z.strictObject({ r: hex32, s: hex32, v: z.union([z.literal(27), z.literal(28)]) }),
});

export async function readStdin(): Promise<string> {
  if (process.stdin.isTTY) throw new CliError('expects the JSON payload on stdin (e.g. hlx sign < payload.json)');
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(typeof c === 'string' ? Buffer.from(c) : (c as Buffer));
  return Buffer.concat(chunks).toString('utf8');
}

export function parsePayload<S extends z.ZodType>(text: string, schema: S): z.infer<S> {
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch (e) {
    throw new CliError(`stdin: not valid JSON (${(e instanceof Error ? e.message : String(e)).split('\n')[0]})`);
  }
  const r = schema.safeParse(json);
  if (!r.success) throw new CliError(formatZodError(r.error));
  return r.data;
}

export interface Hashed {
  action: object;
  msgpackHex: string;
  connectionId: string;
  opts: L1Opts;
}

/** Canonical action, its msgpack bytes and connection id — the bytes the venue will rebuild. */
export function hashPayload(p: z.infer<typeof signPayloadSchema>): Hashed {
  try {
    const action = canonicalizeAction(p.action);
    return {
      action,
      msgpackHex: toHex(encodeMsgpack(action)),
      connectionId: actionHash(action, p.nonce, p.vaultAddress ?? null, p.expiresAfter ?? null),
      opts: { isMainnet: p.isMainnet, vaultAddress: p.vaultAddress ?? null, expiresAfter: p.expiresAfter ?? null },
    };
  } catch (e) {
    if (e instanceof WireFormatError) {
      const inAction = !['vaultAddress', 'expiresAfter', 'nonce'].includes(e.field);
      throw new CliError(`${inAction ? 'action.' : ''}${e.message}`);
    }
    throw e;
  }
}

export const summary = 'sign < payload.json: sign an L1 action with HL_PRIVATE_KEY; print msgpack, connection id, signature, signer';

const USAGE = 'usage: HL_PRIVATE_KEY=0x… hlx sign < {"action":{…},"nonce":N,"vaultAddress"?:"0x…","expiresAfter"?:N,"isMainnet":bool}';

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (argv.length > 0) throw new CliError(`unexpected argument ${JSON.stringify(argv[0])} (the payload comes on stdin; see hlx sign --help)`);
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
