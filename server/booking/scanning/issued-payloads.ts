// The payloads this process knows it signed, held as digests in memory: the
// scan relay's proof that a scanned text is genuine without a database read.
// A ticket's first scan is nearly every scan at a gate, so a cache of
// *scanned* texts would never hit; this one is filled where payloads are made
// (an order's tickets, once stored) and, at start, with the tickets still
// valid. Anything it does not hold takes the database lookup, then the full
// Ed25519 check (relay.ts), so a miss costs time, never a wrong verdict.
import { hash } from 'node:crypto';
import type { Kysely } from 'kysely';
import type { BookingDB } from '../schema.js';
import { heavyWork } from '../../common/turn-queue.js';

/** Digests held before the older half is dropped: ~125 bytes each (measured), so ~50 MB at the cap. */
const DEFAULT_CAPACITY = 400_000;
/** Tickets read in one statement at start: a few milliseconds of the event loop each. */
const LOAD_PAGE = 5000;

/**
 * 128 bits of SHA-256 as text: finding another text with the same digest
 * (a second preimage) is out of reach, so a match proves the text is the one signed.
 */
function digest(text: string): string {
  return hash('sha256', text, 'base64').slice(0, 22);
}

export class IssuedPayloads {
  // Two generations: when the newer fills half the capacity, the older is
  // dropped. The tickets remembered longest ago are the first to go.
  private current = new Set<string>();
  private previous = new Set<string>();

  constructor(private readonly capacity = DEFAULT_CAPACITY) {}

  remember(payload: string): void {
    if (this.current.size >= this.capacity / 2) {
      this.previous = this.current;
      this.current = new Set();
    }
    this.current.add(digest(payload));
  }

  /** True when `text` is exactly a payload remembered here; false means "not known here", not "forged". */
  has(text: string): boolean {
    const d = digest(text);
    return this.current.has(d) || this.previous.has(d);
  }

  get size(): number {
    return this.current.size + this.previous.size;
  }

  /** Settles once the start-up load (`load`) is done; resolved until one starts. */
  loaded: Promise<void> = Promise.resolve();

  /**
   * Remembers the stored tickets still valid, up to half the capacity: those
   * whose validity ends soonest, the ones about to be scanned. Run once at
   * start, after the server listens: a season's tickets take seconds to read
   * and digest, and until they are in, a scan only takes the slower check.
   * Read a page at a time, with the event loop free between pages (a SQLite
   * read holds it), in the order of the (valid_until, ticket_id) index.
   */
  load(db: Kysely<BookingDB>, nowS: number, pageSize = LOAD_PAGE): Promise<void> {
    this.loaded = (async () => {
      const wanted = Math.floor(this.capacity / 2);
      let after: { validUntil: number; ticketId: string } | undefined;
      for (let loaded = 0; loaded < wanted; ) {
        const from = after;
        const rows = await db
          .selectFrom('tickets')
          .select(['payload', 'valid_until', 'ticket_id'])
          // After the first page the row value alone: it is the index's seek (with both, SQLite seeks on valid_until only).
          .where((eb) =>
            from ? eb(eb.refTuple('valid_until', 'ticket_id'), '>', eb.tuple(from.validUntil, from.ticketId)) : eb('valid_until', '>', nowS),
          )
          .orderBy('valid_until')
          .orderBy('ticket_id')
          .limit(Math.min(pageSize, wanted - loaded))
          .execute();
        for (const r of rows) this.remember(r.payload);
        loaded += rows.length;
        const last = rows[rows.length - 1];
        if (!last || rows.length < pageSize) break;
        after = { validUntil: Number(last.valid_until), ticketId: last.ticket_id };
        await heavyWork.next();
      }
    })();
    return this.loaded;
  }
}
