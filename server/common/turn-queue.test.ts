// Heavy work queued all at once runs a piece per turn of the event loop: a
// request that comes in meanwhile (here, real HTTP on loopback) is answered
// after one piece, not after all of them.
import { once } from 'node:events';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterEach, describe, expect, it } from 'vitest';
import { TurnQueue } from './turn-queue.js';

/** Holds the thread for `ms`, as parsing and indexing a venue's programme does. */
const busy = (ms: number) => {
  const until = performance.now() + ms;
  while (performance.now() < until);
};

let server: Server | undefined;
afterEach(() => void server?.close());

describe('TurnQueue', () => {
  it('answers a request that comes in during 40 pieces of 5 ms among them, not after all 200 ms', async () => {
    const done: number[] = [];
    let answeredAt = 0;
    let piecesBeforeAnswer = -1;
    server = createServer((_req, res) => {
      answeredAt = performance.now();
      piecesBeforeAnswer = done.length;
      res.end('ok');
    }).listen(0, '127.0.0.1');
    await once(server, 'listening');
    const { port } = server.address() as AddressInfo;
    const queue = new TurnQueue();
    const started = performance.now();
    const work = Promise.all(
      Array.from({ length: 40 }, async (_, i) => {
        await queue.next();
        busy(5);
        done.push(i);
      }),
    );
    // Sent, accepted, read and answered by this same thread, in the turns between the pieces.
    const request = fetch(`http://127.0.0.1:${port}/`).then((r) => r.text());
    await work;
    const finished = performance.now();
    expect(await request).toBe('ok');
    // In the order queued, every one of them.
    expect(done).toEqual(Array.from({ length: 40 }, (_, i) => i));
    expect(finished - started).toBeGreaterThanOrEqual(200);
    // The request was answered among the pieces, before the last: counted in pieces, not in
    // milliseconds, which a loaded machine stretches (the first fetch also loads its client).
    expect(answeredAt).toBeGreaterThan(started);
    expect(piecesBeforeAnswer).toBeGreaterThanOrEqual(0);
    expect(piecesBeforeAnswer).toBeLessThan(40);
  });
});
