/**
 * The venue's WebSocket endpoint (/ws), hyperliquid.md §1: plain-text greeting, subscribe /
 * unsubscribe with subscriptionResponse acks, data channels, `post` requests answered on channel
 * `post` with the same id, ping → pong, the `error` channel, the idle close, and per-IP limits.
 * A frame it cannot read is answered on the error channel; it never takes the server down.
 */
import type { IncomingMessage } from 'node:http';
import type { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { CHANNEL_OF, GREETING_TEXT, outboundMessage, subscriptionKey, type Subscription } from '../exchange/hyperliquid/schemas/ws';
import { createLogger } from '../util/log';
import { Faults, isSnapshotRequest } from './faults';
import { LimitConfig, PerMinuteBuckets } from './limits';
import { SimEvent, WireFill, WireTrade, WsOrderUpdate } from './types';
import type { Venue, VenueReply } from './venue';
import * as views from './views';

const log = createLogger('sim.ws');

interface Conn {
  ws: WebSocket;
  ip: string;
  subs: Map<string, Subscription>;
  lastSentAt: number;
}

export class WsHub {
  private readonly wss = new WebSocketServer({ noServer: true, maxPayload: 1 << 20 });
  private readonly conns = new Set<Conn>();
  private readonly messageBudget: PerMinuteBuckets;
  private readonly inflight = new Map<string, number>();
  private readonly lastBbo = new Map<string, string>();
  private idleTimer: NodeJS.Timeout;
  /** frames received that were not a valid request (for tests and stats) */
  malformed = 0;

  constructor(
    private readonly venue: Venue,
    private readonly faults: Faults,
    private readonly limits: LimitConfig,
    /** drains engine events after work a socket triggered */
    private readonly flush: () => void,
  ) {
    this.messageBudget = new PerMinuteBuckets(limits.wsMessagesPerMinute);
    this.idleTimer = setInterval(() => this.closeIdle(), Math.min(1000, limits.wsIdleCloseMs));
    this.idleTimer.unref();
  }

  get connectionCount(): number {
    return this.conns.size;
  }

  handleUpgrade(req: IncomingMessage, socket: Duplex, head: Buffer): void {
    const ip = req.socket.remoteAddress ?? 'unknown';
    let fromIp = 0;
    for (const c of this.conns) if (c.ip === ip) fromIp++;
    if (fromIp >= this.limits.wsMaxConnections) {
      socket.end('HTTP/1.1 429 Too Many Requests\r\nConnection: close\r\nContent-Length: 0\r\n\r\n');
      return;
    }
    this.wss.handleUpgrade(req, socket, head, (ws) => this.onConnection(ws, ip));
  }

  private onConnection(ws: WebSocket, ip: string): void {
    const conn: Conn = { ws, ip, subs: new Map(), lastSentAt: Date.now() };
    this.conns.add(conn);
    this.sendRaw(conn, GREETING_TEXT);
    ws.on('message', (data, isBinary) => {
      try {
        this.onMessage(conn, isBinary ? '' : data.toString());
      } catch (e) {
        // a bug in one request must not take the venue down; the client sees an error frame
        log.error('ws message handler failed', { error: e instanceof Error ? e.message : String(e) });
        this.send(conn, { channel: 'error', data: 'Internal error' });
      }
    });
    const forget = () => {
      this.conns.delete(conn);
      const suffix = `:${connId(conn)}`;
      for (const k of [...this.lastBbo.keys()]) if (k.endsWith(suffix)) this.lastBbo.delete(k);
    };
    ws.on('close', forget);
    ws.on('error', forget);
  }

  private onMessage(conn: Conn, text: string): void {
    if (!this.messageBudget.take(conn.ip, 1, Date.now())) {
      this.send(conn, { channel: 'error', data: `Cannot send more than ${this.limits.wsMessagesPerMinute} messages per minute.` });
      return;
    }
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return this.badRequest(conn, text);
    }
    const parsed = outboundMessage.safeParse(json);
    if (!parsed.success) {
      const method = typeof json === 'object' && json !== null ? (json as { method?: unknown }).method : undefined;
      if (method === 'subscribe' || method === 'unsubscribe') {
        this.malformed++;
        this.send(conn, { channel: 'error', data: `Invalid subscription ${JSON.stringify((json as { subscription?: unknown }).subscription ?? null)}` });
        return;
      }
      return this.badRequest(conn, text);
    }
    const msg = parsed.data;
    switch (msg.method) {
      case 'ping':
        this.send(conn, { channel: 'pong' });
        return;
      case 'subscribe':
        return this.subscribe(conn, msg.subscription);
      case 'unsubscribe':
        return this.unsubscribe(conn, msg.subscription);
      case 'post':
        return this.post(conn, msg.id, msg.request.type, msg.request.payload);
    }
  }

  private badRequest(conn: Conn, text: string): void {
    this.malformed++;
    this.send(conn, { channel: 'error', data: `Error parsing JSON into valid websocket request: ${text.slice(0, 500)}` });
  }

  // ------------------------------------------------------------------ subscriptions

  private subscribe(conn: Conn, sub: Subscription): void {
    if ('coin' in sub && !this.venue.engine.byName.has(sub.coin)) {
      this.send(conn, { channel: 'error', data: `Invalid subscription ${JSON.stringify(sub)}` });
      return;
    }
    const key = subscriptionKey(sub);
    if (conn.subs.has(key)) {
      this.send(conn, { channel: 'error', data: `Already subscribed: ${JSON.stringify(sub)}` });
      return;
    }
    let total = 0;
    const users = new Set<string>();
    for (const c of this.conns) {
      if (c.ip !== conn.ip) continue;
      total += c.subs.size;
      for (const s of c.subs.values()) if ('user' in s) users.add(s.user.toLowerCase());
    }
    if (total >= this.limits.wsMaxSubscriptions) {
      this.send(conn, { channel: 'error', data: `Cannot subscribe to more than ${this.limits.wsMaxSubscriptions} channels.` });
      return;
    }
    if ('user' in sub && !users.has(sub.user.toLowerCase()) && users.size >= this.limits.wsMaxUsers) {
      this.send(conn, { channel: 'error', data: `Cannot track more than ${this.limits.wsMaxUsers} total users.` });
      return;
    }
    conn.subs.set(key, sub);
    this.send(conn, { channel: 'subscriptionResponse', data: { method: 'subscribe', subscription: sub } });
    this.snapshot(conn, sub);
  }

  private unsubscribe(conn: Conn, sub: Subscription): void {
    const key = subscriptionKey(sub);
    if (!conn.subs.delete(key)) {
      this.send(conn, { channel: 'error', data: `Already unsubscribed: ${JSON.stringify(sub)}` });
      return;
    }
    this.send(conn, { channel: 'subscriptionResponse', data: { method: 'unsubscribe', subscription: sub } });
  }

  /** First frame after the ack, for the feeds that have one. */
  private snapshot(conn: Conn, sub: Subscription): void {
    const e = this.venue.engine;
    switch (sub.type) {
      case 'userFills':
        this.send(conn, { channel: 'userFills', data: { isSnapshot: true, user: sub.user.toLowerCase(), fills: this.faults.omitFillCloids ? views.userFills(e, sub.user).map(withoutCloid) : views.userFills(e, sub.user) } });
        return;
      case 'allMids':
      case 'l2Book':
      case 'bbo':
      case 'activeAssetCtx':
      case 'clearinghouseState':
      case 'openOrders': {
        const data = this.marketOrAccountData(sub);
        if (data !== null) this.send(conn, { channel: CHANNEL_OF[sub.type], data });
        return;
      }
      default:
        return; // orderUpdates, userEvents, trades: live only, as on the venue
    }
  }

  private marketOrAccountData(sub: Subscription): unknown {
    const e = this.venue.engine;
    switch (sub.type) {
      case 'allMids':
        return { mids: views.allMids(e) };
      case 'l2Book':
        return views.l2Book(e, sub.coin);
      case 'bbo':
        return views.bbo(e, sub.coin);
      case 'activeAssetCtx':
        return { coin: sub.coin, ctx: views.assetCtx(e, sub.coin) };
      case 'clearinghouseState':
        return { dex: '', user: sub.user.toLowerCase(), clearinghouseState: views.clearinghouseState(e, sub.user) };
      case 'openOrders':
        return { dex: '', user: sub.user.toLowerCase(), orders: views.openOrders(e, sub.user) };
      default:
        return null;
    }
  }

  // ------------------------------------------------------------------ post

  private post(conn: Conn, id: number, type: 'info' | 'action', payload: unknown): void {
    const pending = this.inflight.get(conn.ip) ?? 0;
    if (pending >= this.limits.wsMaxInflightPosts) {
      this.send(conn, { channel: 'error', data: `too many pending post requests id=${id}` });
      return;
    }
    this.inflight.set(conn.ip, pending + 1);
    const run = () => {
      this.inflight.set(conn.ip, (this.inflight.get(conn.ip) ?? 1) - 1);
      const reply = type === 'info' ? this.venue.info(payload, conn.ip) : this.venue.exchange(payload, conn.ip);
      const answer = () => this.send(conn, { channel: 'post', data: { id, response: postResponse(type, payload, reply) } });
      if (type === 'info' && isSnapshotRequest(payload) && this.faults.takeHoldSnapshot()) void this.faults.afterNextFillPush().then(answer);
      else answer();
      this.flush();
    };
    if (this.faults.latencyMs > 0) setTimeout(run, this.faults.latencyMs);
    else run();
  }

  // ------------------------------------------------------------------ pushes

  /** Route engine events to subscribers, one frame per channel and user/coin per flush. */
  publish(events: SimEvent[]): void {
    if (events.length === 0 || this.conns.size === 0) return;
    const fills = new Map<string, WireFill[]>();
    const updates = new Map<string, WsOrderUpdate[]>();
    const trades = new Map<string, WireTrade[]>();
    const accounts = new Set<string>();
    const books = new Set<string>();
    for (const ev of events) {
      switch (ev.kind) {
        case 'fills':
          pushAll(fills, ev.user, ev.fills);
          break;
        case 'orderUpdates':
          pushAll(updates, ev.user, ev.updates);
          break;
        case 'trades':
          pushAll(trades, ev.coin, ev.trades);
          break;
        case 'account':
          accounts.add(ev.user);
          break;
        case 'book':
          books.add(ev.coin);
          break;
      }
    }
    if (fills.size > 0) queueMicrotask(() => this.faults.fillsPushed());
    for (const conn of this.conns) {
      for (const sub of conn.subs.values()) {
        switch (sub.type) {
          case 'userFills': {
            const user = sub.user.toLowerCase();
            const f = fills.get(user);
            if (f) this.sendFills(conn, f, (batch) => ({ channel: 'userFills', data: { isSnapshot: false, user, fills: batch } }));
            break;
          }
          case 'userEvents': {
            const f = fills.get(sub.user.toLowerCase());
            if (f) this.sendFills(conn, f, (batch) => ({ channel: 'user', data: { fills: batch } }));
            break;
          }
          case 'orderUpdates': {
            const u = updates.get(sub.user.toLowerCase());
            if (u) this.send(conn, { channel: 'orderUpdates', data: u });
            break;
          }
          case 'trades': {
            const t = trades.get(sub.coin);
            if (t) this.send(conn, { channel: 'trades', data: t });
            break;
          }
          case 'clearinghouseState':
          case 'openOrders':
            if (accounts.has(sub.user.toLowerCase())) this.send(conn, { channel: sub.type, data: this.marketOrAccountData(sub) });
            break;
          case 'bbo':
            if (books.has(sub.coin)) this.sendBboIfChanged(conn, sub.coin);
            break;
          default:
            break;
        }
      }
    }
  }

  /** Market-data snapshots pushed on each price tick (the venue pushes l2Book ≥ 0.5 s apart). */
  publishTick(): void {
    for (const conn of this.conns) {
      for (const sub of conn.subs.values()) {
        switch (sub.type) {
          case 'allMids':
          case 'l2Book':
          case 'activeAssetCtx':
          case 'clearinghouseState':
            this.send(conn, { channel: CHANNEL_OF[sub.type], data: this.marketOrAccountData(sub) });
            break;
          case 'bbo':
            this.sendBboIfChanged(conn, sub.coin);
            break;
          default:
            break;
        }
      }
    }
  }

  private sendBboIfChanged(conn: Conn, coin: string): void {
    const data = views.bbo(this.venue.engine, coin);
    if (!data) return;
    const key = `${coin}:${JSON.stringify(data.bbo)}`;
    const connKey = `${coin}:${connId(conn)}`;
    if (this.lastBbo.get(connKey) === key) return;
    this.lastBbo.set(connKey, key);
    this.send(conn, { channel: 'bbo', data });
  }

  /** Fill frames, with the duplicate / reorder faults applied. */
  private sendFills(conn: Conn, fills: WireFill[], frame: (batch: WireFill[]) => unknown): void {
    const sent = this.faults.omitFillCloids ? fills.map(withoutCloid) : fills;
    const batches = this.faults.reorderFills ? [...sent].reverse().map((f) => [f]) : [sent];
    for (const b of batches) {
      const f = frame(b);
      this.send(conn, f);
      if (this.faults.duplicateFills) this.send(conn, f);
    }
  }

  // ------------------------------------------------------------------ plumbing

  private send(conn: Conn, frame: unknown): void {
    this.sendRaw(conn, JSON.stringify(frame));
  }

  private sendRaw(conn: Conn, text: string): void {
    if (Date.now() < this.faults.silentUntil) return;
    if (conn.ws.readyState !== WebSocket.OPEN) return;
    conn.ws.send(text);
    conn.lastSentAt = Date.now();
  }

  private closeIdle(): void {
    const now = Date.now();
    for (const c of this.conns) {
      if (now - c.lastSentAt >= this.limits.wsIdleCloseMs) {
        c.ws.close(1000, 'idle');
        this.conns.delete(c);
      }
    }
  }

  /** Admin fault: every socket is dropped without a close handshake. */
  dropAll(): number {
    const n = this.conns.size;
    for (const c of this.conns) c.ws.terminate();
    this.conns.clear();
    return n;
  }

  async close(): Promise<void> {
    clearInterval(this.idleTimer);
    this.dropAll();
    await new Promise<void>((resolve) => this.wss.close(() => resolve()));
  }
}

const ids = new WeakMap<Conn, number>();
let nextConnId = 1;
function connId(c: Conn): number {
  let id = ids.get(c);
  if (id === undefined) {
    id = nextConnId++;
    ids.set(c, id);
  }
  return id;
}

function pushAll<T>(m: Map<string, T[]>, key: string, items: T[]): void {
  const list = m.get(key);
  if (list) list.push(...items);
  else m.set(key, [...items]);
}

/** The `response` of a post frame: info/action payloads, or `error` with the HTTP status text. */
function postResponse(type: 'info' | 'action', payload: unknown, reply: VenueReply): unknown {
  if (reply.status !== 200) {
    const text = typeof reply.body === 'string' ? reply.body : JSON.stringify(reply.body);
    const prefix = reply.status === 429 ? '429' : String(reply.status);
    return { type: 'error', payload: `${prefix} ${text}` };
  }
  if (type === 'info') return { type: 'info', payload: { type: (payload as { type?: unknown }).type, data: reply.body } };
  return { type: 'action', payload: reply.body };
}

function withoutCloid(f: WireFill): WireFill {
  if (f.cloid === undefined) return f;
  const { cloid: _c, ...rest } = f;
  return rest;
}
