/**
 * Differential property test: for random actions built by our builders (orders with and without
 * cloid/trigger/builder/grouping, cancels with and without `f`, cancelByCloid, batchModify with and
 * without `a`, scheduleCancel with and without time, updateLeverage, noop), random nonces, vault
 * and expiresAfter present and absent, mainnet and testnet, @nktkas/hyperliquid 0.33.3 (with viem)
 * must produce the same msgpack bytes, connection id and signature as we do. The JSON we would
 * post is what the peer receives, and canonicalizeAction must rebuild our exact key order from it.
 */
import fc from 'fast-check';
import { Wallet } from 'ethers';
import {
  APPROVE_AGENT_TYPES,
  approveAgentAction,
  recoverUserSignedSigner,
  signUserSignedAction,
  USD_SEND_TYPES,
  usdSendAction,
  WITHDRAW_TYPES,
  withdraw3Action,
  actionHash,
  canonicalizeAction,
  encodeMsgpack,
  l1ActionSchema,
  recoverL1Signer,
  signL1Action,
  toHex,
} from '../../../src/exchange/hyperliquid';
import { NktkasPeer } from './support/peer';
import { address, signingCase, uint, wireDecimal } from './support/arbitraries';

const KEY = '0x' + '5a17'.repeat(16); // throwaway test key
const wallet = new Wallet(KEY);
const RUNS = Number(process.env.HLX_DIFF_RUNS ?? 2000);
let peer: NktkasPeer;

beforeAll(() => {
  peer = new NktkasPeer(KEY);
});
afterAll(async () => {
  await peer.close();
});

test(`our signer matches @nktkas/hyperliquid on ${RUNS} random actions`, async () => {
  const kinds = new Map<string, number>();
  let withVault = 0;
  let withExpiry = 0;
  await fc.assert(
    fc.asyncProperty(signingCase, async (c) => {
      const { action } = c.action;
      const wire = JSON.parse(JSON.stringify(action)) as unknown;
      // what we would post survives JSON, validates, and canonicalizes back to the same bytes
      expect(l1ActionSchema.safeParse(wire).success).toBe(true);
      const ours = toHex(encodeMsgpack(action));
      expect(toHex(encodeMsgpack(canonicalizeAction(wire)))).toBe(ours);

      const opts = { isMainnet: c.isMainnet, vaultAddress: c.vaultAddress, expiresAfter: c.expiresAfter };
      const sig = signL1Action(wallet, action, c.nonce, opts);
      const theirs = await peer.ask({ action: wire, nonce: c.nonce, vaultAddress: c.vaultAddress, expiresAfter: c.expiresAfter, isMainnet: c.isMainnet });
      expect(theirs.error).toBeUndefined();
      expect(ours).toBe(theirs.msgpackHex);
      expect(actionHash(action, c.nonce, c.vaultAddress, c.expiresAfter)).toBe(theirs.connectionId);
      expect([BigInt(sig.r), BigInt(sig.s), sig.v]).toEqual([BigInt(theirs.signature.r), BigInt(theirs.signature.s), theirs.signature.v]);
      expect(recoverL1Signer(wire, c.nonce, opts, theirs.signature)).toBe(wallet.address);

      kinds.set(c.action.kind, (kinds.get(c.action.kind) ?? 0) + 1);
      if (c.vaultAddress) withVault++;
      if (c.expiresAfter !== undefined) withExpiry++;
    }),
    { numRuns: RUNS },
  );
  // the generator really covered every action kind and both optional suffixes
  expect([...kinds.keys()].sort()).toEqual(['batchModify', 'cancel', 'cancelByCloid', 'noop', 'order', 'scheduleCancel', 'updateLeverage']);
  expect(withVault).toBeGreaterThan(0);
  expect(withExpiry).toBeGreaterThan(0);
});

test('user-signed actions (usdSend, withdraw3, approveAgent) match @nktkas/hyperliquid on 300 random cases', async () => {
  const userCase = fc.record({
    kind: fc.constantFrom('usdSend' as const, 'withdraw3' as const, 'approveAgent' as const),
    to: address,
    amount: wireDecimal,
    time: uint,
    name: fc.option(fc.string({ maxLength: 16 }), { nil: undefined }),
    isMainnet: fc.boolean(),
    chain: fc.constantFrom('0x66eee', '0xa4b1', '0x1'),
  });
  await fc.assert(
    fc.asyncProperty(userCase, async (c) => {
      const opts = { isMainnet: c.isMainnet, signatureChainId: c.chain };
      const [action, types] =
        c.kind === 'usdSend'
          ? [usdSendAction({ destination: c.to, amount: c.amount, time: c.time }, opts), USD_SEND_TYPES]
          : c.kind === 'withdraw3'
            ? [withdraw3Action({ destination: c.to, amount: c.amount, time: c.time }, opts), WITHDRAW_TYPES]
            : [approveAgentAction({ agentAddress: c.to, agentName: c.name, nonce: c.time }, opts), APPROVE_AGENT_TYPES];
      const sig = signUserSignedAction(wallet, action, types);
      const theirs = await peer.ask({ userSigned: true, action, types });
      expect(theirs.error).toBeUndefined();
      expect([BigInt(sig.r), BigInt(sig.s), sig.v]).toEqual([BigInt(theirs.signature.r), BigInt(theirs.signature.s), theirs.signature.v]);
      expect(recoverUserSignedSigner(action, types, theirs.signature)).toBe(wallet.address);
    }),
    { numRuns: Number(process.env.HLX_DIFF_USER_RUNS ?? 300) },
  );
});
