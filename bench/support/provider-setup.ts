// A verification server for the benchmarks: a real `gatepost provider` process
// with a programme of shows whose every seat is sold, so each verify can
// redeem a fresh code (the write path, not a cache hit).
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { CodesResponse } from '../../protocol/provider-api.js';
import type { Programme } from '../../server/provider/programme.js';
import { signRequest } from '../../protocol/signature.js';
import { startGatepost, type RunningCommand } from '../../testing/processes.js';
import { signedClient } from '../../server/common/testing/signed-client.js';
import { load, type LoadResult } from './load.js';

export const BENCH_SECRET = 'bench-secret-0123456789abcdef';
const SHOWS = 40;
const ROWS = 26;
const PER_ROW = 99;
const SEATS_PER_SHOW = ROWS * PER_ROW;

/** A programme file's content: `shows` shows starting in 10 minutes, each ending `endsAfterS` from now, of rows × perRow seats. */
export function benchProgramme(now: number, { shows = SHOWS, endsAfterS = 7200, rows = ROWS, perRow = PER_ROW } = {}) {
  return {
    venue: 'Bench Cinema',
    shows: Array.from({ length: shows }, (_, i) => ({
      showId: `b${i}`,
      title: `Bench ${i}`,
      hall: `Hall ${i}`,
      startsAt: now + 600,
      endsAt: now + endsAfterS,
      priceCents: 100,
      currency: 'EUR',
      rows,
      seatsPerRow: perRow,
    })),
  };
}

/** Sells every seat of `shows` shows; returns the codes. */
async function issueCodes(url: string, shows: number): Promise<string[]> {
  const api = signedClient(url, BENCH_SECRET);
  const codes: string[] = [];
  const orders = [];
  for (let s = 0; s < shows; s++) {
    for (let r = 0; r < ROWS; r++) {
      const row = String.fromCharCode(65 + r);
      for (let n = 1; n <= PER_ROW; n += 20) {
        const seats = Array.from({ length: Math.min(20, PER_ROW - n + 1) }, (_, k) => `${row}${n + k}`);
        orders.push({ orderRef: `o-${s}-${row}-${n}`, showId: `b${s}`, seats, payment: { reference: 'bench', amountCents: 100 * seats.length, currency: 'EUR' } });
      }
    }
  }
  for (let i = 0; i < orders.length; i += 32) {
    const replies = await Promise.all(orders.slice(i, i + 32).map((o) => api.post<CodesResponse>('/v1/codes', o)));
    for (const r of replies) codes.push(...r.body.tickets.map((t) => t.code));
  }
  return codes;
}

/**
 * A provider process with every seat sold, in its own temp folder: at least
 * `minCodes` codes (whole shows of 2,574 seats), so a measured load redeems
 * fresh codes to its end — once they run out, verifyLoad cycles back to
 * codes already redeemed, and the round measures rejections instead.
 */
export async function startBenchProvider(
  env: Record<string, string>,
  args: string[] = [],
  nodeArgs: string[] = [],
  minCodes = SHOWS * SEATS_PER_SHOW,
  /** more shows in the programme, left unsold */
  unsold: Programme['shows'] = [],
) {
  const dir = mkdtempSync(join(tmpdir(), 'gp-bench-'));
  const file = join(dir, 'programme.json');
  const shows = Math.max(1, Math.ceil(minCodes / SEATS_PER_SHOW));
  const programme = benchProgramme(Math.floor(Date.now() / 1000), { shows });
  writeFileSync(file, JSON.stringify({ ...programme, shows: [...programme.shows, ...unsold] }));
  const server: RunningCommand = await startGatepost(['provider', '--port', '0', '--data', dir, '--booking-secret', BENCH_SECRET, '--programme', file, ...args], env, 60_000, nodeArgs);
  const codes = await issueCodes(server.url, shows);
  return {
    server,
    codes,
    async stop() {
      await server.stop();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

/** Scan IDs are unique across every round: a repeated one would be a retry, answered from the first verdict. */
let scanSeq = 0;

/** POST /v1/verify at `connections`, each request signed afresh (a new nonce) as the booking server signs it; `amount` requests instead of `seconds` when given. */
export function verifyLoad(url: string, codes: string[], connections: number, seconds: number, amount?: number): Promise<LoadResult> {
  let i = 0;
  return load({
    url,
    connections,
    seconds,
    amount,
    path: '/v1/verify',
    next: () => {
      const body = JSON.stringify({ code: codes[i++ % codes.length], gate: 'Bench Gate', scanId: `bench-${process.pid}-${scanSeq++}` });
      return { body, headers: { 'content-type': 'application/json', 'gatepost-signature': signRequest(BENCH_SECRET, 'POST', '/v1/verify', body) } };
    },
  });
}
