/**
 * A local HTTP server on 127.0.0.1 for download tests (no outside network): serves given bytes well and badly.
 *   /good      the bytes, with Content-Length
 *   /other     different bytes (checksum mismatch)
 *   /truncated Content-Length of the full body, half the body, then the connection is destroyed
 *   /stall     headers, then nothing (until the client gives up)
 *   /slow      the bytes in 4 pieces, `slowGapMs` apart (slower overall than a short stall timeout, never silent that long)
 *   anything else: 404
 */
import { createServer, type Server } from 'node:http';
import type { Socket } from 'node:net';

export interface TestServer {
  base: string;
  /** Requests seen, by path. */
  hits: Map<string, number>;
  close(): Promise<void>;
}

export async function startServer(body: Buffer, options: { slowGapMs?: number } = {}): Promise<TestServer> {
  const hits = new Map<string, number>();
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();
  const gap = options.slowGapMs ?? 100;
  const server: Server = createServer((req, res) => {
    const path = req.url ?? '/';
    hits.set(path, (hits.get(path) ?? 0) + 1);
    switch (path) {
      case '/good':
        res.writeHead(200, { 'content-type': 'text/plain', 'content-length': body.length });
        res.end(body);
        return;
      case '/other': {
        const other = Buffer.from('1000025,5,1,1,1,2,1,3,1,1,2\n');
        res.writeHead(200, { 'content-length': other.length });
        res.end(other);
        return;
      }
      case '/truncated':
        res.writeHead(200, { 'content-length': body.length });
        res.write(body.subarray(0, Math.floor(body.length / 2)), () => req.socket.destroy());
        return;
      case '/stall':
        res.writeHead(200, { 'content-length': body.length });
        res.flushHeaders();
        return;
      case '/slow': {
        res.writeHead(200, { 'content-length': body.length });
        const step = Math.ceil(body.length / 4);
        let at = 0;
        const next = () => {
          res.write(body.subarray(at, at + step));
          at += step;
          if (at >= body.length) res.end();
          else {
            const t = setTimeout(next, gap);
            timers.add(t);
          }
        };
        next();
        return;
      }
      default:
        res.writeHead(404, { 'content-type': 'text/plain' });
        res.end('not found\n');
    }
  });
  server.on('connection', (s) => {
    sockets.add(s);
    s.on('close', () => sockets.delete(s));
  });
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  return {
    base: `http://127.0.0.1:${port}`,
    hits,
    close: () =>
      new Promise<void>((ok) => {
        for (const t of timers) clearTimeout(t);
        for (const s of sockets) s.destroy();
        server.close(() => ok());
      }),
  };
}

/** A 127.0.0.1 port with nothing listening (a server was bound there and closed). */
export async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((ok) => server.listen(0, '127.0.0.1', ok));
  const port = (server.address() as { port: number }).port;
  await new Promise<void>((ok) => server.close(() => ok()));
  return port;
}
