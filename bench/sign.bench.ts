/**
 * Signing benchmark: L1 signatures per second for a 1-order and a 40-order batch, our signer
 * (Signer.signL1: msgpack + keccak + precomputed EIP-712 digest + libsecp256k1) against
 * @nktkas/hyperliquid 0.33.3's signL1Action on the same action objects in the same process,
 * with a viem local account (its fastest wallet) and with an ethers v6 Wallet.
 * Rounds alternate between implementations so clock and thermal drift hit both alike;
 * the figure is the median round. Goal for a 1-order signature: ≤ 80 µs and ≥ 4× nktkas.
 * CPU time per signature is reported beside the wall-clock figure: on a shared machine the
 * scheduler's share inflates wall time, while CPU time stays the cost of the work itself.
 * Run: npm run bench:sign  → .run/bench/sign.json
 */
import * as fs from 'node:fs';
import * as path from 'node:path';
import { Wallet } from 'ethers';
import { formatPrice, formatSize, orderAction, recoverL1Signer, Signer, type OrderSpec } from '../src/exchange/hyperliquid';
import { secp256k1Backend } from '../src/exchange/hyperliquid/secp256k1';

/** The part of @nktkas/hyperliquid/signing we call (its ESM-only typings are not visible to our commonjs resolution). */
interface NktkasSigning {
  signL1Action(args: {
    wallet: unknown;
    action: Record<string, unknown>;
    nonce: number;
    isTestnet?: boolean;
  }): Promise<{ r: string; s: string; v: number }>;
}

const KEY = '0x' + '2b'.repeat(32); // throwaway benchmark key
const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 7);
const ROUND_MS = Number(process.env.BENCH_ROUND_MS ?? 400);

type SignFn = (action: object, nonce: number) => unknown;
type AsyncSignFn = (action: object, nonce: number) => Promise<unknown>;

function batch(n: number): object {
  const orders: OrderSpec[] = [];
  for (let i = 0; i < n; i++) {
    orders.push({
      asset: i % 7,
      isBuy: i % 2 === 0,
      px: formatPrice(`${97000 + i}.5`, 5, 'nearest'),
      sz: formatSize(`0.0${12 + i}`, 5, 'down'),
      reduceOnly: i % 5 === 0,
      tif: i % 3 === 0 ? 'Alo' : 'Gtc',
      cloid: '0x' + (i + 1).toString(16).padStart(32, '0'),
    });
  }
  return orderAction(orders);
}

interface RoundResult {
  /** signatures per second of wall-clock time */
  rate: number;
  /** µs of this process's CPU time (user + system) per signature */
  cpuUs: number;
}

/** One round of ~ROUND_MS. */
async function round(fn: SignFn | AsyncSignFn, action: object, isAsync: boolean, nonce0: number): Promise<RoundResult> {
  let n = 0;
  const cpu0 = process.cpuUsage();
  const t0 = process.hrtime.bigint();
  const until = t0 + BigInt(ROUND_MS) * BigInt(1_000_000);
  let now = t0;
  while (now < until) {
    // 16 signatures between clock reads keeps timer overhead out of the figure
    for (let i = 0; i < 16; i++) {
      if (isAsync) await (fn as AsyncSignFn)(action, nonce0 + n);
      else (fn as SignFn)(action, nonce0 + n);
      n++;
    }
    now = process.hrtime.bigint();
  }
  const cpu = process.cpuUsage(cpu0);
  return { rate: n / (Number(now - t0) / 1e9), cpuUs: (cpu.user + cpu.system) / n };
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];

async function main(): Promise<void> {
  const nkModule: string = '@nktkas/hyperliquid/signing';
  const nk = (await import(nkModule)) as NktkasSigning;
  const { privateKeyToAccount } = (await import('viem/accounts')) as typeof import('viem/accounts');
  const viemAccount = privateKeyToAccount(KEY as `0x${string}`);
  const ethersWallet = new Wallet(KEY);
  const ours = Signer.fromPrivateKey(KEY);

  const impls: { name: string; fn: SignFn | AsyncSignFn; isAsync: boolean }[] = [
    { name: 'ours (Signer.signL1)', fn: (a, n) => ours.signL1(a, n, { isMainnet: false }), isAsync: false },
    { name: 'nktkas + viem', fn: (a, n) => nk.signL1Action({ wallet: viemAccount, action: a as Record<string, unknown>, nonce: n, isTestnet: true }), isAsync: true },
    { name: 'nktkas + ethers', fn: (a, n) => nk.signL1Action({ wallet: ethersWallet, action: a as Record<string, unknown>, nonce: n, isTestnet: true }), isAsync: true },
  ];

  const rows: { metric: string; value: number | string; unit: string; goal?: string }[] = [];
  const lines: string[] = [];
  for (const size of [1, 40]) {
    const action = batch(size);
    // same inputs, same answer: check once before timing
    const nonce = 1_700_000_000_000;
    const mine = ours.signL1(action, nonce, { isMainnet: false });
    const theirs = await nk.signL1Action({ wallet: viemAccount, action: action as Record<string, unknown>, nonce, isTestnet: true });
    if (BigInt(mine.r) !== BigInt(theirs.r) || BigInt(mine.s) !== BigInt(theirs.s) || mine.v !== theirs.v) throw new Error(`signatures differ for the ${size}-order batch`);
    if (recoverL1Signer(action, nonce, { isMainnet: false }, mine) !== ours.address) throw new Error('our signature does not recover');

    for (const impl of impls) for (let w = 0; w < 2; w++) await round(impl.fn, action, impl.isAsync, nonce); // warm-up (JIT, precomputes)
    const samples = new Map<string, RoundResult[]>(impls.map((i) => [i.name, []]));
    for (let r = 0; r < ROUNDS; r++) {
      for (const impl of r % 2 === 0 ? impls : [...impls].reverse()) samples.get(impl.name)!.push(await round(impl.fn, action, impl.isAsync, nonce + r * 1e6));
    }
    const rate = (name: string) => median(samples.get(name)!.map((x) => x.rate));
    const oursCpuUs = median(samples.get(impls[0].name)!.map((x) => x.cpuUs));
    const oursRate = rate(impls[0].name);
    const viemRate = rate(impls[1].name);
    const ethersRate = rate(impls[2].name);
    const best = Math.max(viemRate, ethersRate);
    const label = `${size}-order batch`;
    rows.push({ metric: `${label}: ours`, value: Math.round(oursRate), unit: 'signatures/s' });
    rows.push({ metric: `${label}: nktkas + viem`, value: Math.round(viemRate), unit: 'signatures/s' });
    rows.push({ metric: `${label}: nktkas + ethers`, value: Math.round(ethersRate), unit: 'signatures/s' });
    rows.push({ metric: `${label}: ratio ours / fastest nktkas`, value: Number((oursRate / best).toFixed(2)), unit: 'x', goal: size === 1 ? '≥ 4.0' : '≥ 1.0' });
    rows.push({ metric: `${label}: ours, latency per signature`, value: Number((1e6 / oursRate).toFixed(1)), unit: 'µs', goal: size === 1 ? '≤ 80 µs' : undefined });
    rows.push({ metric: `${label}: ours, CPU time per signature`, value: Number(oursCpuUs.toFixed(1)), unit: 'µs' });
    lines.push(
      `${label.padEnd(16)} ours ${oursRate.toFixed(0).padStart(7)}/s   nktkas+viem ${viemRate.toFixed(0).padStart(7)}/s   nktkas+ethers ${ethersRate.toFixed(0).padStart(7)}/s   ratio vs fastest nktkas ${(oursRate / best).toFixed(2)}×`,
    );
  }

  rows.push({ metric: 'secp256k1 backend (ours)', value: secp256k1Backend, unit: '' });
  console.log(`sign benchmark (node ${process.version}, secp256k1 by ${secp256k1Backend}, ${ROUNDS} alternating rounds of ${ROUND_MS} ms, median)`);
  for (const l of lines) console.log(l);
  console.log('');
  console.log('metric'.padEnd(48) + 'value'.padStart(12) + '  unit');
  for (const r of rows) console.log(r.metric.padEnd(48) + String(r.value).padStart(12) + `  ${r.unit}${r.goal ? `   (goal ${r.goal})` : ''}`);
  const out = path.join(__dirname, '..', '.run', 'bench');
  fs.mkdirSync(out, { recursive: true });
  fs.writeFileSync(path.join(out, 'sign.json'), JSON.stringify({ name: 'sign', rows }, null, 2) + '\n');
  console.log(`\nwrote ${path.relative(process.cwd(), path.join(out, 'sign.json'))}`);
}

main().catch((e) => {
  console.error(e);
  process.exit(1);
});
