/**
 * A simulator with one funded account, a VenueClient on it, and signed order helpers: the
 * transports exercised over real sockets exactly as the executor uses them.
 */
import { randomBytes } from 'node:crypto';
import { Wallet } from 'ethers';
import { cancelAction, orderAction, type OrderSpec } from '../../../src/exchange/hyperliquid/actions';
import { NonceManager } from '../../../src/exchange/hyperliquid/nonce';
import { buildExchangeRequest, Signer } from '../../../src/exchange/hyperliquid/signer';
import { VenueClient, type VenueClientOpts } from '../../../src/exchange/hyperliquid/venue-client';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/sim';

export interface Harness {
  sim: RunningSimulator;
  signer: Signer;
  user: string;
  nonces: NonceManager;
  client(opts?: Partial<VenueClientOpts>): VenueClient;
  /** signs an order action for `user` (testnet chain, as the simulator defaults to) */
  orderBody(orders: OrderSpec[]): ReturnType<typeof buildExchangeRequest>;
  cancelBody(cancels: { asset: number; oid: number }[]): ReturnType<typeof buildExchangeRequest>;
  stop(): Promise<void>;
}

export function randomCloid(): string {
  return `0x${randomBytes(16).toString('hex')}`;
}

export async function startHarness(opts: SimulatorOptions = {}): Promise<Harness> {
  const wallet = Wallet.createRandom();
  const signer = Signer.fromPrivateKey(wallet.privateKey);
  const user = signer.address.toLowerCase();
  const sim = await startSimulator({ seed: 7, tickMs: 0, fund: { [user]: '1000000' }, ...opts });
  const nonces = new NonceManager();
  const clients: VenueClient[] = [];
  const sign = <A>(action: A) => {
    const nonce = nonces.next();
    return buildExchangeRequest(action, nonce, signer.signL1(action, nonce, { isMainnet: false }));
  };
  return {
    sim,
    signer,
    user,
    nonces,
    client(o = {}) {
      const c = new VenueClient({
        httpUrl: sim.httpUrl,
        wsUrl: sim.wsUrl,
        ws: { backoff: { initialMs: 20, maxMs: 200 }, postTimeoutMs: 5_000 },
        ...o,
      });
      clients.push(c);
      return c;
    },
    orderBody: (orders) => sign(orderAction(orders)),
    cancelBody: (cancels) => sign(cancelAction(cancels)),
    async stop() {
      await Promise.all(clients.map((c) => c.close()));
      await sim.stop();
    },
  };
}

/** Polls `pred` every 10 ms until it holds; rejects naming `what` after `timeoutMs`. */
export function waitUntil(pred: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (pred()) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error(`timed out: ${what}`));
      setTimeout(tick, 10);
    };
    tick();
  });
}
