/**
 * The user-signed half of `hlx sign` / `hlx recover` (approveAgent, usdSend, withdraw3,
 * approveBuilderFee): EIP-712 typed data in the HyperliquidSignTransaction domain, signed over the
 * strings exactly as given (the venue rebuilds the typed data from the JSON it receives).
 */
import { z } from 'zod';
import { formatZodError } from '../../config/zod-error';
import { USER_SIGNED_TYPES, userSignedDigest, WireFormatError, type UserSignedActionLike, type UserSignedTypes } from '../../exchange/hyperliquid';
import { CliError } from '../errors';

const address = z.string().regex(/^0x[0-9a-fA-F]{40}$/, 'expected a 0x-prefixed 20-byte hex address');
const uint = z.number().int().nonnegative().max(Number.MAX_SAFE_INTEGER);
const base = {
  signatureChainId: z.string().regex(/^0x[0-9a-fA-F]+$/, 'expected a 0x-prefixed hex chain id (the Python SDK uses 0x66eee)'),
  hyperliquidChain: z.enum(['Mainnet', 'Testnet']),
};
const transfer = { ...base, destination: address, amount: z.string().min(1), time: uint };

/** Per type: its fields, and which of them must equal the request nonce. */
const SHAPES: Record<string, { schema: z.ZodType; nonceField: 'nonce' | 'time' }> = {
  usdSend: { schema: z.strictObject({ type: z.literal('usdSend'), ...transfer }), nonceField: 'time' },
  withdraw3: { schema: z.strictObject({ type: z.literal('withdraw3'), ...transfer }), nonceField: 'time' },
  approveAgent: {
    schema: z.strictObject({ type: z.literal('approveAgent'), ...base, agentAddress: address, agentName: z.string().nullish(), nonce: uint }),
    nonceField: 'nonce',
  },
  approveBuilderFee: {
    schema: z.strictObject({ type: z.literal('approveBuilderFee'), ...base, maxFeeRate: z.string().regex(/^\d+(\.\d+)?%$/, 'expected a percentage such as "0.001%"'), builder: address, nonce: uint }),
    nonceField: 'nonce',
  },
};

export function isUserSignedType(type: unknown): boolean {
  return typeof type === 'string' && type in SHAPES;
}

export interface UserSignedHashed {
  action: UserSignedActionLike;
  types: UserSignedTypes;
  primaryType: string;
  digest: string;
  warnings: string[];
}

export function hashUserSigned(rawAction: Record<string, unknown>, nonce: number, isMainnet: boolean | undefined): UserSignedHashed {
  const type = rawAction.type as string;
  const shape = SHAPES[type];
  const r = shape.schema.safeParse(rawAction);
  if (!r.success) throw new CliError(formatZodError(r.error).replace(/^/, 'action.'));
  const action = { ...(r.data as Record<string, unknown>) } as UserSignedActionLike;
  const warnings: string[] = [];
  if (action[shape.nonceField] !== nonce) throw new CliError(`action.${shape.nonceField}: must equal the request nonce ${nonce} (the venue refuses the action otherwise)`);
  if (isMainnet !== undefined && (action.hyperliquidChain === 'Mainnet') !== isMainnet) {
    throw new CliError(`action.hyperliquidChain: ${action.hyperliquidChain} contradicts isMainnet ${isMainnet}`);
  }
  if (type === 'approveAgent' && (action.agentName === undefined || action.agentName === null)) {
    // the Python SDK signs agentName "" and then drops the key from the posted action
    action.agentName = '';
    warnings.push('action.agentName: absent, signed as "" (the venue hashes a missing name as the empty string)');
  }
  const types = USER_SIGNED_TYPES[type];
  let digest: string;
  try {
    digest = userSignedDigest(action, types);
  } catch (e) {
    if (e instanceof WireFormatError) throw new CliError(`action.${e.message}`);
    throw e;
  }
  return { action, types, primaryType: Object.keys(types)[0], digest, warnings };
}
