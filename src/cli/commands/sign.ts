/**
 * `hlx sign` — signs an action the way the venue will verify it, to debug the opaque
 * "User or API Wallet 0x… does not exist." (the venue recovered a different address because the
 * bytes it rebuilt differ from the bytes signed). Reads {action, nonce, vaultAddress?,
 * expiresAfter?, isMainnet} on stdin, the key from HL_PRIVATE_KEY. An L1 action prints
 * {msgpackHex, connectionId, signature:{r,s,v}, signer}; a user-signed one (approveAgent, usdSend,
 * withdraw3, approveBuilderFee, sign-user.ts) prints {primaryType, digest, signature, signer}.
 * Like a doctor it signs what it is given: strings the venue hashes verbatim (an upper-case cloid,
 * "100.0") are signed as sent, with a warning saying what the venue will hash.
 *
 * The payload parsing below is shared with `hlx recover`: zod validation and canonical key order,
 * every failure a one-line CliError (exit 2) naming the field.
 */
import { z } from 'zod';
import { CliError } from '../errors';
import { formatZodError } from '../../config/zod-error';
import { canonicalizeVenueAction } from '../../sim/venue-canonical';
import { hashUserSigned, isUserSignedType } from './sign-user';
import {
  actionHash,
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
  /** required for L1 actions; a user-signed action names its chain in hyperliquidChain */
  isMainnet: z.boolean().optional(),
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
  /** strings signed as given that a stricter client would have spelled otherwise */
  warnings: string[];
}

const TRAILING_ZERO_RE = /^\d+\.\d*0$/;

/**
 * What the venue hashes verbatim and our client would spell differently: upper-case cloids and
 * trailing-zero decimals. hlx signs them as given (to show what the venue will recover) and says so.
 */
function lenientWarnings(action: Record<string, unknown>): string[] {
  const out: string[] = [];
  const orderAt = (o: unknown, field: string) => {
    if (typeof o !== 'object' || o === null) return;
    const w = o as Record<string, unknown>;
    for (const k of ['p', 's']) {
      const v = w[k];
      if (typeof v === 'string' && TRAILING_ZERO_RE.test(v)) {
        out.push(`${field}.${k}: ${JSON.stringify(v)} is signed as given; the venue hashes the string verbatim (clients that strip trailing zeros, like ours, sign ${JSON.stringify(v.replace(/\.?0+$/, ''))})`);
      }
    }
    if (typeof w.c === 'string') out.push(...cloidWarning(w.c, `${field}.c`));
  };
  if (Array.isArray(action.orders)) action.orders.forEach((o, i) => orderAt(o, `action.orders.${i}`));
  if (Array.isArray(action.modifies)) {
    action.modifies.forEach((m, i) => orderAt((m as { order?: unknown })?.order, `action.modifies.${i}.order`));
  }
  if (action.order !== undefined) orderAt(action.order, 'action.order');
  if (Array.isArray(action.cancels)) {
    action.cancels.forEach((c, i) => {
      const cl = (c as { cloid?: unknown })?.cloid;
      if (typeof cl === 'string') out.push(...cloidWarning(cl, `action.cancels.${i}.cloid`));
    });
  }
  return out;
}

function cloidWarning(cloid: string, field: string): string[] {
  if (!/[A-F]/.test(cloid)) return [];
  return [
    `${field}: upper-case hex is signed as given; the venue hashes the cloid string exactly as sent (${cloid}), not ${cloid.toLowerCase()} — send it unchanged or the venue recovers another signer`,
  ];
}

/** Canonical action, its msgpack bytes and connection id — the bytes the venue will rebuild. */
export function hashPayload(p: z.infer<typeof signPayloadSchema>): Hashed {
  if (p.isMainnet === undefined) throw new CliError('isMainnet: required for an L1 action (true for mainnet, false for testnet)');
  try {
    // the venue's reading: key order canonical, strings as sent (src/sim/venue-canonical.ts)
    const action = canonicalizeVenueAction(p.action as Record<string, unknown> & { type: string });
    return {
      action,
      msgpackHex: toHex(encodeMsgpack(action)),
      connectionId: actionHash(action, p.nonce, p.vaultAddress ?? null, p.expiresAfter ?? null),
      opts: { isMainnet: p.isMainnet, vaultAddress: p.vaultAddress ?? null, expiresAfter: p.expiresAfter ?? null },
      warnings: lenientWarnings(p.action),
    };
  } catch (e) {
    if (e instanceof WireFormatError) {
      const inAction = !['vaultAddress', 'expiresAfter', 'nonce'].includes(e.field);
      throw new CliError(`${inAction ? 'action.' : ''}${e.message}`);
    }
    throw e;
  }
}

/** One `hlx <cmd>: warning: …` line per warning, on stderr (stdout stays the JSON answer). */
export function printWarnings(cmd: string, warnings: string[]): void {
  for (const w of warnings) process.stderr.write(`hlx ${cmd}: warning: ${w}\n`);
}

export const summary = 'sign < payload.json: sign an L1 or user-signed action with HL_PRIVATE_KEY; print what the venue hashes, the signature, the signer';

const USAGE = [
  'usage: HL_PRIVATE_KEY=0x… hlx sign < payload.json',
  '  L1 action (order, cancel, modify, …): {"action":{…},"nonce":N,"vaultAddress"?:"0x…","expiresAfter"?:N,"isMainnet":bool}',
  '    prints {msgpackHex, connectionId, signature, signer}',
  '  user-signed (approveAgent, usdSend, withdraw3, approveBuilderFee): {"action":{"type",…,"signatureChainId","hyperliquidChain"},"nonce":N}',
  '    prints {primaryType, digest, signature, signer}; action.nonce (or .time) must equal nonce',
  '  strings are signed as given; an upper-case cloid or a trailing-zero decimal gets a warning on stderr',
].join('\n');

export async function run(argv: string[]): Promise<number> {
  if (argv.includes('--help') || argv.includes('-h')) {
    console.log(USAGE);
    return 0;
  }
  if (argv.length > 0) throw new CliError(`unexpected argument ${JSON.stringify(argv[0])} (the payload comes on stdin; see hlx sign --help)`);
  const payload = parsePayload(await readStdin(), signPayloadSchema);
  if (isUserSignedType(payload.action.type)) {
    const u = hashUserSigned(payload.action, payload.nonce, payload.isMainnet);
    const signer = signerFromEnv();
    printWarnings('sign', u.warnings);
    const signature = signer.signUserSigned(u.action, u.types);
    process.stdout.write(JSON.stringify({ primaryType: u.primaryType, digest: u.digest, signature, signer: signer.address }, null, 2) + '\n');
    return 0;
  }
  const hashed = hashPayload(payload);
  const signer = signerFromEnv();
  printWarnings('sign', hashed.warnings);
  const signature = signer.signL1(hashed.action, payload.nonce, hashed.opts);
  process.stdout.write(
    JSON.stringify({ msgpackHex: hashed.msgpackHex, connectionId: hashed.connectionId, signature, signer: signer.address }, null, 2) + '\n',
  );
  return 0;
}

function signerFromEnv(): Signer {
  try {
    return Signer.fromEnv('HL_PRIVATE_KEY');
  } catch (e) {
    if (e instanceof SignerError) throw new CliError(e.message);
    throw e;
  }
}
