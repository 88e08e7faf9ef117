// Differential-test peer: signs with @nktkas/hyperliquid 0.33.3 + viem (an independent
// implementation: its own msgpack encoder, keccak and EIP-712 encoding). ESM-only, so it runs as a
// child process of the Jest test. Protocol: one JSON request per stdin line, one JSON answer per
// stdout line: {action, nonce, vaultAddress?, expiresAfter?, isMainnet} → {msgpackHex, connectionId, signature},
// or {userSigned: true, action, types} → {signature}.
import { createInterface } from 'node:readline';
import { createL1ActionHash, signL1Action, signUserSignedAction } from '@nktkas/hyperliquid/signing';
import { privateKeyToAccount } from 'viem/accounts';

// nktkas' msgpack encoder is not exported by its package map; load the same file its signer uses.
const signingUrl = import.meta.resolve('@nktkas/hyperliquid/signing');
const { encode } = await import(new URL('../_deps/jsr.io/@std/msgpack/1.0.3/encode.js', signingUrl).href);

// Same normalization nktkas applies before encoding (esm/signing/_l1.js `adjust`).
function adjust(value) {
  if (Array.isArray(value)) return value.map(adjust);
  if (typeof value === 'object' && value !== null) {
    const out = {};
    for (const k in value) if (value[k] !== undefined) out[k] = adjust(value[k]);
    return out;
  }
  if (typeof value === 'number' && Number.isInteger(value) && (value >= 0x100000000 || value < -0x80000000)) return BigInt(value);
  return value;
}

const wallet = privateKeyToAccount(process.env.PEER_KEY);
const rl = createInterface({ input: process.stdin });
for await (const line of rl) {
  if (!line.trim()) continue;
  const req = JSON.parse(line);
  try {
    if (req.userSigned) {
      // user-signed: {userSigned: true, action, types} → the EIP-712 signature only
      const signature = await signUserSignedAction({ wallet, action: req.action, types: req.types });
      process.stdout.write(JSON.stringify({ signature, address: wallet.address }) + '\n');
      continue;
    }
    const args = { action: req.action, nonce: req.nonce };
    if (req.vaultAddress != null) args.vaultAddress = req.vaultAddress;
    if (req.expiresAfter != null) args.expiresAfter = req.expiresAfter;
    const msgpackHex = '0x' + Buffer.from(encode(adjust(req.action))).toString('hex');
    const connectionId = createL1ActionHash(args);
    const signature = await signL1Action({ wallet, ...args, isTestnet: !req.isMainnet });
    process.stdout.write(JSON.stringify({ msgpackHex, connectionId, signature, address: wallet.address }) + '\n');
  } catch (e) {
    process.stdout.write(JSON.stringify({ error: String(e && e.message) }) + '\n');
  }
}
