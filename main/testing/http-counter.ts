// Test support: an HTTP pass-through in front of a server that counts the
// requests it forwards, by method and path — to show what a client sent, and
// that it stopped sending.
import { createServer, request, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface HttpCounter {
  url: string;
  /** requests forwarded so far, by `METHOD /path` (no query) */
  count(key: string): number;
  close(): Promise<void>;
}

export async function httpCounter(target: string): Promise<HttpCounter> {
  const { hostname, port } = new URL(target);
  const counts = new Map<string, number>();
  const server: Server = createServer((req, res) => {
    const key = `${req.method} ${(req.url ?? '/').split('?')[0]}`;
    counts.set(key, (counts.get(key) ?? 0) + 1);
    const upstream = request({ host: hostname, port: Number(port), method: req.method, path: req.url, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (res.headersSent) return void res.destroy();
      res.writeHead(502, { 'content-type': 'application/json' });
      res.end(JSON.stringify({ error: 'bad_gateway', message: 'the server behind the counter did not answer' }));
    });
    req.pipe(upstream);
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: (key) => counts.get(key) ?? 0,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
