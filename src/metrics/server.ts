/**
 * GET /metrics over HTTP: our registry, followed by the text of any upstream exporters (the
 * Temporal SDK runtime's, which binds its own loopback port) so one scrape target gives both.
 * Anything else is 404. Binds where the settings say (loopback by default).
 */
import * as http from 'node:http';
import * as net from 'node:net';
import type { Registry } from './registry';

export interface MetricsServer {
  readonly url: string;
  readonly port: number;
  close(): Promise<void>;
}

export interface MetricsServerOptions {
  registry: Registry;
  host: string;
  port: number;
  /** other /metrics endpoints folded into ours (fetched at each scrape, 2 s timeout each) */
  upstreams?: string[];
  onError?: (where: string, e: unknown) => void;
}

async function fetchText(url: string, timeoutMs: number): Promise<string> {
  const ctl = new AbortController();
  const t = setTimeout(() => ctl.abort(), timeoutMs);
  try {
    const r = await fetch(url, { signal: ctl.signal });
    if (!r.ok) throw new Error(`HTTP ${r.status}`);
    return await r.text();
  } finally {
    clearTimeout(t);
  }
}

export async function startMetricsServer(o: MetricsServerOptions): Promise<MetricsServer> {
  const onError = o.onError ?? (() => {});
  const server = http.createServer((req, res) => {
    if (req.method !== 'GET' || (req.url ?? '').split('?')[0] !== '/metrics') {
      res.writeHead(404, { 'content-type': 'text/plain' }).end('not found: GET /metrics\n');
      return;
    }
    void (async () => {
      let body = o.registry.render();
      for (const u of o.upstreams ?? []) {
        try {
          const text = await fetchText(u, 2_000);
          body += text.endsWith('\n') ? text : `${text}\n`;
        } catch (e) {
          onError(`upstream ${u}`, e);
        }
      }
      res.writeHead(200, { 'content-type': 'text/plain; version=0.0.4; charset=utf-8' }).end(body);
    })().catch((e) => {
      onError('render', e);
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(o.port, o.host, () => resolve());
  });
  server.unref();
  const port = (server.address() as net.AddressInfo).port;
  const host = o.host.includes(':') ? `[${o.host}]` : o.host;
  return {
    url: `http://${host}:${port}/metrics`,
    port,
    close: () => new Promise<void>((r) => server.close(() => r())),
  };
}

/** A port that was free a moment ago (for exporters that must be told a port up front). */
export function freePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const s = net.createServer();
    s.once('error', reject);
    s.listen(0, host, () => {
      const p = (s.address() as net.AddressInfo).port;
      s.close(() => resolve(p));
    });
  });
}
