/**
 * Test helpers: a real simulator on a free port, traders that sign with the foundation's signing
 * and talk plain fetch / ws, and a WebSocket frame collector.
 */
import { WebSocket } from 'ws';
import { Wallet } from 'ethers';
import { buildExchangeRequest, NonceManager, Signer, type Signature } from '../../../src/exchange/hyperliquid';
import { startSimulator, type RunningSimulator, type SimulatorOptions } from '../../../src/sim';

export async function startTestSim(opts: SimulatorOptions = {}): Promise<RunningSimulator> {
  const sim = await startSimulator({ port: 0, tickMs: 0, seed: 7, ...opts });
  sim.admin.freezePrices(true);
  return sim;
}

export class Trader {
  readonly nonces = new NonceManager();
  readonly address: string;

  constructor(
    readonly sim: RunningSimulator,
    readonly signer: Signer = Signer.fromPrivateKey(Wallet.createRandom().privateKey),
    readonly isMainnet = false,
  ) {
    this.address = signer.address.toLowerCase();
  }

  /** A signed /exchange body. */
  request(action: unknown, opts: { nonce?: number; expiresAfter?: number; vaultAddress?: string } = {}) {
    const nonce = opts.nonce ?? this.nonces.next();
    const signature = this.signer.signL1(action, nonce, { isMainnet: this.isMainnet, expiresAfter: opts.expiresAfter ?? null, vaultAddress: opts.vaultAddress ?? null });
    return buildExchangeRequest(action, nonce, signature, { expiresAfter: opts.expiresAfter, vaultAddress: opts.vaultAddress });
  }

  async exchange(action: unknown, opts: { nonce?: number; expiresAfter?: number } = {}): Promise<{ status: number; body: any }> {
    return postJson(`${this.sim.httpUrl}/exchange`, this.request(action, opts));
  }

  async info(req: object): Promise<any> {
    const r = await postJson(`${this.sim.httpUrl}/info`, req);
    if (r.status !== 200) throw new Error(`info ${JSON.stringify(req)}: HTTP ${r.status} ${JSON.stringify(r.body)}`);
    return r.body;
  }
}

export async function postJson(url: string, body: unknown): Promise<{ status: number; body: any }> {
  const r = await fetch(url, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  const text = await r.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    /* plain-text error body */
  }
  return { status: r.status, body: parsed };
}

export function sigOf(req: { signature: Signature }): Signature {
  return req.signature;
}

/** Collects every frame of one socket; `next(pred)` waits for the first matching frame not yet taken. */
export class FrameLog {
  readonly frames: any[] = [];
  readonly texts: string[] = [];
  private waiters: { pred: (f: any) => boolean; resolve: (f: any) => void; reject: (e: Error) => void; timer: NodeJS.Timeout }[] = [];
  private taken = new Set<number>();
  closed = false;
  closeCode: number | undefined;

  constructor(readonly ws: WebSocket) {
    ws.on('message', (data) => {
      const text = data.toString();
      this.texts.push(text);
      let f: any;
      try {
        f = JSON.parse(text);
      } catch {
        f = { text };
      }
      this.frames.push(f);
      this.check();
    });
    ws.on('close', (code) => {
      this.closed = true;
      this.closeCode = code;
    });
  }

  static async open(url: string): Promise<FrameLog> {
    const ws = new WebSocket(url);
    const log = new FrameLog(ws);
    await new Promise<void>((resolve, reject) => {
      ws.once('open', () => resolve());
      ws.once('error', reject);
    });
    return log;
  }

  send(obj: unknown): void {
    this.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  next(pred: (f: any) => boolean, timeoutMs = 5000): Promise<any> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => {
        this.waiters = this.waiters.filter((w) => w.timer !== timer);
        reject(new Error(`no matching frame within ${timeoutMs} ms; got ${JSON.stringify(this.frames.slice(-5))}`));
      }, timeoutMs);
      this.waiters.push({ pred, resolve, reject, timer });
      this.check();
    });
  }

  /** all frames matching, taken or not */
  all(pred: (f: any) => boolean): any[] {
    return this.frames.filter(pred);
  }

  private check(): void {
    for (const w of [...this.waiters]) {
      const i = this.frames.findIndex((f, idx) => !this.taken.has(idx) && w.pred(f));
      if (i >= 0) {
        this.taken.add(i);
        clearTimeout(w.timer);
        this.waiters = this.waiters.filter((x) => x !== w);
        w.resolve(this.frames[i]);
      }
    }
  }

  close(): void {
    this.ws.terminate();
  }
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
