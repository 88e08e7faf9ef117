/** Drives tests/unit/exchange/nktkas-peer.mjs (the ESM-only reference signer) from Jest. */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { createInterface } from 'node:readline';
import * as path from 'node:path';

export interface PeerAnswer {
  msgpackHex: string;
  connectionId: string;
  signature: { r: string; s: string; v: number };
  address: string;
  error?: string;
}

export interface PeerRequest {
  action: unknown;
  nonce: number;
  vaultAddress?: string;
  expiresAfter?: number;
  isMainnet: boolean;
}

export class NktkasPeer {
  private readonly child: ChildProcessWithoutNullStreams;
  private readonly waiting: ((a: PeerAnswer) => void)[] = [];
  private exitError: string | undefined;

  constructor(privateKey: string) {
    this.child = spawn(process.execPath, [path.join(__dirname, 'nktkas-peer.mjs')], {
      cwd: path.join(__dirname, '..', '..', '..'),
      env: { ...process.env, PEER_KEY: privateKey },
      stdio: ['pipe', 'pipe', 'pipe'],
    });
    let stderr = '';
    this.child.stderr.on('data', (d) => (stderr += String(d)));
    this.child.on('exit', (code) => {
      this.exitError = `peer exited ${code}: ${stderr}`;
      for (const w of this.waiting.splice(0)) w({ error: this.exitError } as PeerAnswer);
    });
    createInterface({ input: this.child.stdout }).on('line', (line) => this.waiting.shift()?.(JSON.parse(line) as PeerAnswer));
  }

  ask(req: PeerRequest | { userSigned: true; action: unknown; types: unknown }): Promise<PeerAnswer> {
    if (this.exitError !== undefined) return Promise.resolve({ error: this.exitError } as PeerAnswer);
    return new Promise((resolve) => {
      this.waiting.push(resolve);
      this.child.stdin.write(JSON.stringify(req) + '\n');
    });
  }

  async close(): Promise<void> {
    if (this.exitError !== undefined) return;
    this.child.stdin.end();
    await new Promise((r) => this.child.once('exit', r));
  }
}
