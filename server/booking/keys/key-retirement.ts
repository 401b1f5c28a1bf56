// Retiring a platform signing key that leaked (or may have): from then on no
// part of the system trusts it — the scan relay answers `bad_signature`, it is
// left out of /api/v1/keys and the stations' offline bundles (so stations turn
// its tickets away offline too) — and every ticket it signed that can still be
// used is signed again with the active key and shown to its owner, with an
// inbox message saying the old QR no longer works.
//
// Re-signing is a page per transaction, each ticket conditional on still
// carrying the retired key, with its message in the same transaction: any
// process may run it at any time (each does on its key refresh), none signs a
// ticket twice or sends two messages, and work cut short by a crash is picked
// up by the next pass. A ticket signed by a process that had not yet heard of
// the retirement is caught the same way.
import { randomBytes } from 'node:crypto';
import { decodeGp1, encodeGp1 } from '../../../protocol/gp1.js';
import type { BookingContext } from '../context.js';
import type { ReminderLanguage } from '../reminders/schema.js';

const PAGE = 200;

export interface Retirement {
  keyId: number;
  /** the key new and re-signed tickets carry now */
  activeKeyId: number;
  /** tickets signed again by this call (others may have been by another process) */
  reissued: number;
}

/** The pass under way in each server, so that one process never signs the same tickets twice over. */
const passes = new WeakMap<BookingContext, Promise<number>>();

/** Retires `keyId` and re-signs its tickets; undefined when there is no such key. Retiring it again only finishes the re-signing. */
export async function retireKey(ctx: BookingContext, keyId: number): Promise<Retirement | undefined> {
  if (!(await ctx.keys.retire(keyId))) return undefined;
  const reissued = await reissueRetired(ctx);
  return { keyId, activeKeyId: ctx.keys.activeKeyId, reissued };
}

/**
 * Signs again every usable ticket still carrying a retired key; returns how
 * many. A pass already under way here is waited for first (it may have begun
 * before the latest retirement) — or, with `ifIdle`, left to do the work.
 */
export async function reissueRetired(ctx: BookingContext, opts: { ifIdle?: boolean } = {}): Promise<number> {
  const under = passes.get(ctx);
  if (under && opts.ifIdle) return 0;
  await under?.catch(() => 0);
  const pass = (passes.get(ctx) ?? Promise.resolve(0)).catch(() => 0).then(() => reissuePass(ctx));
  passes.set(ctx, pass);
  try {
    return await pass;
  } finally {
    if (passes.get(ctx) === pass) passes.delete(ctx);
  }
}

async function reissuePass(ctx: BookingContext): Promise<number> {
  let total = 0;
  for (const keyId of ctx.keys.retiredKeyIds()) {
    for (;;) {
      const done = await reissuePage(ctx, keyId);
      total += done.reissued;
      // A page with nothing left to do here (another process took it, or it does not decode): the next pass looks again.
      if (done.seen < PAGE || done.reissued === 0) break;
    }
  }
  return total;
}

async function reissuePage(ctx: BookingContext, keyId: number): Promise<{ seen: number; reissued: number }> {
  const now = ctx.now();
  const rows = await ctx.db
    .selectFrom('tickets')
    .leftJoin('reminder_prefs', 'reminder_prefs.user_id', 'tickets.user_id')
    .select(['tickets.ticket_id', 'tickets.user_id', 'tickets.payload', 'tickets.title', 'tickets.seat_label', 'reminder_prefs.language'])
    .where('tickets.key_id', '=', keyId)
    .where('tickets.valid_until', '>', now)
    .where('tickets.revoked_at', 'is', null)
    .orderBy('tickets.valid_until')
    .limit(PAGE)
    .execute();
  if (rows.length === 0) return { seen: 0, reissued: 0 };
  const signer = ctx.keys.signer();
  const fresh = rows.map((r) => {
    const decoded = decodeGp1(r.payload);
    // Every stored payload was made here; one that no longer decodes cannot be signed again and is left alone.
    if (!decoded.ok) return undefined;
    return { ...r, payload: encodeGp1({ ...decoded.body, keyId: undefined }, signer) };
  });
  const stored = await ctx.writes.run(async (trx) => {
    const won: string[] = [];
    for (const t of fresh) {
      if (!t) continue;
      const res = await trx
        .updateTable('tickets')
        .set({ payload: t.payload, key_id: signer.keyId })
        .where('ticket_id', '=', t.ticket_id)
        .where('key_id', '=', keyId)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) !== 1) continue;
      const text = reissuedText(t, t.language ?? 'en');
      await trx
        .insertInto('messages')
        .values({ message_id: `msg_${randomBytes(12).toString('base64url')}`, user_id: t.user_id, ticket_id: t.ticket_id, title: text.title, body: text.body, created_at: now, read_at: null })
        .execute();
      won.push(t.payload);
    }
    return won;
  });
  // Only the payloads stored: another process signing the same ticket at the same moment may have won it.
  for (const payload of stored) ctx.issued.remember(payload);
  const reissued = stored.length;
  if (reissued > 0) ctx.log.info({ retiredKeyId: keyId, keyId: signer.keyId, tickets: reissued }, 'tickets of a retired signing key signed again');
  return { seen: rows.length, reissued };
}

function reissuedText(t: { title: string; seat_label: string }, language: ReminderLanguage): { title: string; body: string } {
  if (language === 'zh-CN') {
    return {
      title: `电子票已重新签发：${t.title}`,
      body: `${t.title} · 座位 ${t.seat_label}\n您的电子票已换发新的二维码，旧二维码（包括已打印或截图的）在入场口已失效。请在账户中出示新的电子票，或重新下载打印。`,
    };
  }
  return {
    title: `Your ticket was re-issued: ${t.title}`,
    body: `${t.title} · seat ${t.seat_label}\nYour ticket has a new QR code. The old one (printed or saved as a screenshot) no longer works at the gate: show the ticket from your account, or download and print it again.`,
  };
}
