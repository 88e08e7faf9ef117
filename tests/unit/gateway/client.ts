/** A test client of the gateway: every frame it receives is kept; waits poll for the one wanted. */
import WebSocket from 'ws';
import type { ServerFrame } from '../../../src/gateway/protocol';
import { waitFor } from './resting-hot-path';

export class TestClient {
  readonly frames: ServerFrame[] = [];
  closed: { code: number; reason: string } | null = null;
  private constructor(readonly ws: WebSocket) {
    ws.on('message', (d) => this.frames.push(JSON.parse(String(d)) as ServerFrame));
    ws.on('close', (code, reason) => (this.closed = { code, reason: String(reason) }));
  }

  static connect(url: string, token: string | null): Promise<TestClient> {
    const ws = new WebSocket(url, token === null ? {} : { headers: { authorization: `Bearer ${token}` } });
    return new Promise((resolve, reject) => {
      ws.once('open', () => resolve(new TestClient(ws)));
      ws.once('error', reject);
      ws.once('unexpected-response', (_req, res) => reject(new Error(`HTTP ${res.statusCode}`)));
    });
  }

  send(x: unknown): void {
    this.ws.send(typeof x === 'string' || Buffer.isBuffer(x) ? x : JSON.stringify(x));
  }

  next<T extends ServerFrame['type']>(type: T, pred: (f: Extract<ServerFrame, { type: T }>) => boolean = () => true, timeoutMs = 5_000): Promise<Extract<ServerFrame, { type: T }>> {
    return waitFor(() => this.frames.find((f): f is Extract<ServerFrame, { type: T }> => f.type === type && pred(f as Extract<ServerFrame, { type: T }>)), `a ${type} frame`, timeoutMs);
  }

  all<T extends ServerFrame['type']>(type: T): Extract<ServerFrame, { type: T }>[] {
    return this.frames.filter((f): f is Extract<ServerFrame, { type: T }> => f.type === type);
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((r) => {
      this.ws.once('close', () => r());
      this.ws.close();
    });
  }
}
