/**
 * A tiny scripted WebSocket server for protocol edge cases the simulator does not produce on
 * demand (malformed frames, a server that stops answering pings, posts left unanswered).
 */
import { AddressInfo } from 'node:net';
import { WebSocketServer, type WebSocket } from 'ws';

export interface ScriptedServer {
  url: string;
  /** every parsed client message, per connection index */
  received: { conn: number; msg: any }[];
  connections: number;
  sockets: WebSocket[];
  /** answer pings with pong (default true) */
  answerPings: boolean;
  /** how to answer a post; return undefined to leave it unanswered */
  onPost: (msg: any, ws: WebSocket) => unknown;
  sendAll(text: string): void;
  dropAll(): void;
  close(): Promise<void>;
}

export async function startScriptedServer(): Promise<ScriptedServer> {
  const wss = new WebSocketServer({ port: 0, host: '127.0.0.1' });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const port = (wss.address() as AddressInfo).port;
  const s: ScriptedServer = {
    url: `ws://127.0.0.1:${port}/ws`,
    received: [],
    connections: 0,
    sockets: [],
    answerPings: true,
    onPost: (msg) => ({ channel: 'post', data: { id: msg.id, response: { type: 'info', payload: { type: 'allMids', data: { BTC: '1' } } } } }),
    sendAll(text) {
      for (const ws of s.sockets) if (ws.readyState === ws.OPEN) ws.send(text);
    },
    dropAll() {
      for (const ws of s.sockets) ws.terminate();
    },
    close: () =>
      new Promise<void>((r) => {
        for (const ws of wss.clients) ws.terminate();
        wss.close(() => r());
      }),
  };
  wss.on('connection', (ws) => {
    const conn = s.connections++;
    s.sockets.push(ws);
    ws.send('Websocket connection established.');
    ws.on('message', (raw) => {
      const msg = JSON.parse(raw.toString());
      s.received.push({ conn, msg });
      if (msg.method === 'ping') {
        if (s.answerPings) ws.send(JSON.stringify({ channel: 'pong' }));
      } else if (msg.method === 'subscribe' || msg.method === 'unsubscribe') {
        ws.send(JSON.stringify({ channel: 'subscriptionResponse', data: msg }));
      } else if (msg.method === 'post') {
        const out = s.onPost(msg, ws);
        if (out !== undefined) ws.send(typeof out === 'string' ? out : JSON.stringify(out));
      }
    });
  });
  return s;
}

export function waitFor(pred: () => boolean, timeoutMs = 5_000, what = 'condition'): Promise<void> {
  const start = Date.now();
  return new Promise((resolve, reject) => {
    const tick = () => {
      if (pred()) return resolve();
      if (Date.now() - start > timeoutMs) return reject(new Error(`timed out waiting for ${what}`));
      setTimeout(tick, 5);
    };
    tick();
  });
}
