/**
 * What stands in for Temporal Cloud's front door in front of the plaintext dev server:
 *  - certificates made for the test with the openssl CLI (a CA, a server certificate for
 *    localhost/127.0.0.1, a client certificate), since Node's crypto cannot issue X.509;
 *  - an mTLS terminator: TLS at the TCP level (node:tls) that refuses any client without a
 *    certificate from the CA, then pipes the bytes (HTTP/2, i.e. gRPC) to the dev server;
 *  - an API-key terminator: TLS plus HTTP/2 (node:http2) that refuses every gRPC call without
 *    `authorization: Bearer <key>` with UNAUTHENTICATED, as Temporal Cloud does, and proxies the
 *    others stream by stream (headers, body, trailers) to the dev server.
 * Both count what they let through and what they refused, so a test can prove its traffic went
 * through them.
 */
import { execFileSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as http2 from 'node:http2';
import * as net from 'node:net';
import * as path from 'node:path';
import * as tls from 'node:tls';

export interface TestPki {
  dir: string;
  caCert: string;
  serverCert: string;
  serverKey: string;
  clientCert: string;
  clientKey: string;
  /** a second client certificate from a CA the terminator does not trust */
  strangerCert: string;
  strangerKey: string;
}

function openssl(args: string[], cwd: string): void {
  try {
    execFileSync('openssl', args, { cwd, stdio: ['ignore', 'ignore', 'pipe'] });
  } catch (e) {
    const err = e as NodeJS.ErrnoException & { stderr?: Buffer };
    if (err.code === 'ENOENT') throw new Error('the openssl CLI is needed to make the test certificates (apt-get install openssl)', { cause: e });
    throw new Error(`openssl ${args[0]} failed: ${err.stderr?.toString() ?? err.message}`, { cause: e });
  }
}

/** CA → server (serverAuth, SAN localhost + 127.0.0.1) and client (clientAuth) certificates, EC P-256. */
export function makeTestPki(dir: string): TestPki {
  fs.mkdirSync(dir, { recursive: true });
  const ec = ['-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes'];
  const ca = (name: string) =>
    openssl(['req', '-x509', ...ec, '-keyout', `${name}.key`, '-out', `${name}.pem`, '-days', '2', '-sha256', '-subj', `/CN=${name}`, '-addext', 'basicConstraints=critical,CA:TRUE', '-addext', 'keyUsage=critical,keyCertSign,cRLSign'], dir);
  const leaf = (name: string, signer: string, ext: string, serial: string) => {
    fs.writeFileSync(path.join(dir, `${name}.ext`), ext);
    openssl(['req', ...ec, '-keyout', `${name}.key`, '-out', `${name}.csr`, '-subj', `/CN=${name}`], dir);
    openssl(['x509', '-req', '-in', `${name}.csr`, '-CA', `${signer}.pem`, '-CAkey', `${signer}.key`, '-set_serial', serial, '-days', '2', '-sha256', '-extfile', `${name}.ext`, '-out', `${name}.pem`], dir);
  };
  ca('hlx-test-ca');
  ca('stranger-ca');
  leaf('localhost', 'hlx-test-ca', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=serverAuth\nsubjectAltName=DNS:localhost,IP:127.0.0.1\n', '1001');
  leaf('hlx-test-client', 'hlx-test-ca', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n', '1002');
  leaf('stranger', 'stranger-ca', 'basicConstraints=CA:FALSE\nkeyUsage=critical,digitalSignature\nextendedKeyUsage=clientAuth\n', '1003');
  const p = (f: string) => path.join(dir, f);
  return {
    dir,
    caCert: p('hlx-test-ca.pem'),
    serverCert: p('localhost.pem'),
    serverKey: p('localhost.key'),
    clientCert: p('hlx-test-client.pem'),
    clientKey: p('hlx-test-client.key'),
    strangerCert: p('stranger.pem'),
    strangerKey: p('stranger.key'),
  };
}

function splitHostPort(address: string): { host: string; port: number } {
  const i = address.lastIndexOf(':');
  return { host: address.slice(0, i), port: Number(address.slice(i + 1)) };
}

async function listen(server: net.Server): Promise<string> {
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  return `127.0.0.1:${(server.address() as net.AddressInfo).port}`;
}

export interface Terminator {
  /** host:port to give clients */
  address: string;
  /** client identities let through: certificate CNs (mTLS) or gRPC method paths (API key) */
  admitted: string[];
  /** attempts refused: handshakes without a trusted certificate, or calls without the key */
  refused(): number;
  close(): Promise<void>;
}

/** mTLS at the TCP level: the handshake demands a client certificate signed by the CA. */
export async function startMtlsTerminator(pki: TestPki, upstream: string): Promise<Terminator> {
  const up = splitHostPort(upstream);
  const admitted: string[] = [];
  let refused = 0;
  const sockets = new Set<net.Socket>();
  const server = tls.createServer(
    {
      key: fs.readFileSync(pki.serverKey),
      cert: fs.readFileSync(pki.serverCert),
      ca: fs.readFileSync(pki.caCert),
      requestCert: true,
      rejectUnauthorized: true,
      ALPNProtocols: ['h2'],
    },
    (client) => {
      admitted.push(String(client.getPeerCertificate().subject?.CN ?? '?'));
      const server = net.connect(up.port, up.host);
      for (const s of [client, server]) {
        sockets.add(s);
        s.on('close', () => sockets.delete(s));
        s.on('error', () => {
          client.destroy();
          server.destroy();
        });
      }
      client.pipe(server).pipe(client);
    },
  );
  server.on('tlsClientError', () => refused++);
  const address = await listen(server);
  return {
    address,
    admitted,
    refused: () => refused,
    async close() {
      for (const s of sockets) s.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

const HOP_BY_HOP = new Set([':scheme', ':authority', 'authorization', 'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'host']);

/** TLS + HTTP/2: every stream must carry `authorization: Bearer <apiKey>`. */
export async function startApiKeyTerminator(pki: TestPki, upstream: string, apiKey: string): Promise<Terminator> {
  const admitted: string[] = [];
  let refused = 0;
  let session: http2.ClientHttp2Session | null = null;
  const upstreamSession = (): http2.ClientHttp2Session => {
    if (!session || session.closed || session.destroyed) {
      session = http2.connect(`http://${upstream}`);
      session.on('error', () => {});
    }
    return session;
  };
  const sessions = new Set<http2.ServerHttp2Session>();
  const server = http2.createSecureServer({ key: fs.readFileSync(pki.serverKey), cert: fs.readFileSync(pki.serverCert) });
  server.on('session', (s) => {
    sessions.add(s);
    s.on('close', () => sessions.delete(s));
  });
  server.on('stream', (stream, headers) => {
    stream.on('error', () => {});
    if (headers.authorization !== `Bearer ${apiKey}`) {
      refused++;
      stream.respond({ ':status': 200, 'content-type': 'application/grpc', 'grpc-status': '16', 'grpc-message': 'Request unauthorized.' }, { endStream: true });
      return;
    }
    admitted.push(String(headers[':path']));
    const forward: http2.OutgoingHttpHeaders = {};
    for (const [k, v] of Object.entries(headers)) if (!HOP_BY_HOP.has(k)) forward[k] = v;
    const req = upstreamSession().request(forward);
    req.on('error', () => {});
    let trailers: http2.OutgoingHttpHeaders = {};
    req.on('response', (h, flags) => {
      if (stream.closed) return;
      if (flags & http2.constants.NGHTTP2_FLAG_END_STREAM) {
        stream.respond(h, { endStream: true }); // trailers-only (a gRPC error)
        return;
      }
      stream.respond(h, { waitForTrailers: true });
      // not piped to the end: the upstream's trailers can arrive after its body ends, so the
      // response is ended only once the upstream stream has closed (trailers surely in)
      req.pipe(stream, { end: false });
    });
    req.on('trailers', (t) => (trailers = t));
    stream.on('wantTrailers', () => stream.sendTrailers(trailers));
    stream.pipe(req);
    stream.on('close', () => {
      if (!req.closed) req.close(http2.constants.NGHTTP2_CANCEL);
    });
    req.on('close', () => {
      if (stream.closed) return;
      const code = req.rstCode ?? http2.constants.NGHTTP2_NO_ERROR;
      if (code !== http2.constants.NGHTTP2_NO_ERROR || !stream.headersSent) stream.close(code || http2.constants.NGHTTP2_INTERNAL_ERROR);
      else if (!stream.writableEnded) stream.end();
    });
  });
  const address = await listen(server as unknown as net.Server);
  return {
    address,
    admitted,
    refused: () => refused,
    async close() {
      for (const s of sessions) s.destroy();
      (session as http2.ClientHttp2Session | null)?.destroy();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}
