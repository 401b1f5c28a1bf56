// The customer's reminder preferences and in-app inbox.
import { z } from 'zod';
import { errorBody, nextCursor, pageCursor, pageSize } from '../../../protocol/booking-api.js';
import type { AppPlugin } from '../../common/app.js';
import { cursorOf, paged, parseCursor } from '../../common/cursor-pages.js';
import { notFound } from '../../common/errors.js';
import type { Auth } from '../auth.js';
import type { BookingContext } from '../context.js';
import { DEFAULT_PREFS, MAX_LEAD_MINUTES } from './reminder-service.js';
import { reschedule } from './schedule.js';
import { REMINDER_CHANNELS, type ReminderChannel } from './schema.js';

export const reminderPrefs = z.object({
  channels: z.array(z.enum(REMINDER_CHANNELS)).max(REMINDER_CHANNELS.length),
  /** minutes before the ticket's validity ends */
  leadMinutes: z.number().int().min(5).max(MAX_LEAD_MINUTES),
  language: z.enum(['en', 'zh-CN']).optional(),
});
export const messageSchema = z.object({
  messageId: z.string(),
  ticketId: z.string().nullable(),
  /** the ticket's order, for a link to it; null when the message is about no ticket of this customer */
  orderId: z.string().nullable(),
  title: z.string(),
  body: z.string(),
  createdAt: z.number().int(),
  readAt: z.number().int().nullable(),
});
/** Newest first, a page at a time (100 unless `limit` says otherwise): a regular's years of reminders are all there. */
export const messagesQuery = z.object({ cursor: pageCursor.optional(), limit: pageSize.default(100) });
export const messagesResponse = z.object({
  messages: z.array(messageSchema),
  /** every unread message, not only this page's */
  unread: z.number().int(),
  next: nextCursor,
});

/** Message IDs to mark read, another customer's and unknown ones left alone; `marked`: how many were unread. */
export const messagesReadRequest = z.object({ messageIds: z.array(z.string().min(1).max(100)).min(1).max(200) });
export const messagesReadResponse = z.object({ marked: z.number().int() });

export interface ReminderRoutesOptions extends Pick<BookingContext, 'db' | 'now'> {
  auth: Auth;
};

export const reminderRoutes: AppPlugin<ReminderRoutesOptions> = async (app, { db, now, auth }) => {
  const readPrefs = async (userId: string) => {
    const row = await db.selectFrom('reminder_prefs').selectAll().where('user_id', '=', userId).executeTakeFirst();
    return row
      ? { channels: JSON.parse(row.channels) as ReminderChannel[], leadMinutes: row.lead_minutes, language: row.language }
      : { ...DEFAULT_PREFS };
  };

  app.get('/api/v1/me/reminders', { schema: { tags: ['reminders'], response: { 200: reminderPrefs, 401: errorBody } } }, async (req) =>
    readPrefs(await auth.user(req)),
  );

  app.put(
    '/api/v1/me/reminders',
    { schema: { tags: ['reminders'], body: reminderPrefs, response: { 200: reminderPrefs, 401: errorBody } } },
    async (req) => {
      const userId = await auth.user(req);
      const channels = [...new Set(req.body.channels)];
      const language = req.body.language ?? (await readPrefs(userId)).language;
      const values = { user_id: userId, channels: JSON.stringify(channels), lead_minutes: req.body.leadMinutes, language, updated_at: now() };
      // With the tickets not reminded yet moved to the new lead, in one write.
      await db.transaction().execute(async (trx) => {
        await trx
          .insertInto('reminder_prefs')
          .values(values)
          .onConflict((oc) => oc.column('user_id').doUpdateSet({ channels: values.channels, lead_minutes: values.lead_minutes, language, updated_at: values.updated_at }))
          .execute();
        await reschedule(trx, userId, req.body.leadMinutes);
      });
      return { channels, leadMinutes: req.body.leadMinutes, language };
    },
  );

  app.get('/api/v1/me/messages', { schema: { tags: ['reminders'], querystring: messagesQuery, response: { 200: messagesResponse, 401: errorBody } } }, async (req) => {
    const userId = await auth.user(req);
    let select = db
      .selectFrom('messages as m')
      // The ticket's order, for the link to it: an old order is not on the first page of the order list.
      .leftJoin('tickets as t', (j) => j.onRef('t.ticket_id', '=', 'm.ticket_id').onRef('t.user_id', '=', 'm.user_id'))
      .select(['m.message_id', 'm.ticket_id', 'm.title', 'm.body', 'm.created_at', 'm.read_at', 't.order_id'])
      .where('m.user_id', '=', userId);
    if (req.query.cursor) {
      const c = parseCursor(req.query.cursor);
      select = select.where((eb) => eb.or([eb('m.created_at', '<', c.at), eb.and([eb('m.created_at', '=', c.at), eb('m.message_id', '>', c.id)])]));
    }
    const rows = await select.orderBy('m.created_at', 'desc').orderBy('m.message_id').limit(req.query.limit + 1).execute();
    const unread = await db.selectFrom('messages').select((eb) => eb.fn.countAll<number>().as('n')).where('user_id', '=', userId).where('read_at', 'is', null).executeTakeFirstOrThrow();
    const page = await paged(rows, req.query.limit, (m) => cursorOf(Number(m.created_at), m.message_id), (ms) =>
      ms.map((m) => ({
        messageId: m.message_id,
        ticketId: m.ticket_id,
        orderId: m.order_id,
        title: m.title,
        body: m.body,
        createdAt: Number(m.created_at),
        readAt: m.read_at === null ? null : Number(m.read_at),
      })),
    );
    return { messages: page.items, unread: Number(unread.n), next: page.next };
  });

  // The messages a page has just shown, marked read in one request: an inbox page is up to 200.
  app.post(
    '/api/v1/me/messages/read',
    { schema: { tags: ['reminders'], body: messagesReadRequest, response: { 200: messagesReadResponse, 401: errorBody } } },
    async (req) => {
      const userId = await auth.user(req);
      const res = await db
        .updateTable('messages')
        .set({ read_at: now() })
        .where('message_id', 'in', [...new Set(req.body.messageIds)])
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      return { marked: Number(res.numUpdatedRows) };
    },
  );

  app.post(
    '/api/v1/me/messages/:messageId/read',
    { schema: { tags: ['reminders'], params: z.object({ messageId: z.string().min(1).max(100) }), response: { 204: z.null(), 404: errorBody } } },
    async (req, reply) => {
      const userId = await auth.user(req);
      const res = await db
        .updateTable('messages')
        .set({ read_at: now() })
        .where('message_id', '=', req.params.messageId)
        .where('user_id', '=', userId)
        .where('read_at', 'is', null)
        .executeTakeFirst();
      if (Number(res.numUpdatedRows) === 0) {
        const exists = await db.selectFrom('messages').select('message_id').where('message_id', '=', req.params.messageId).where('user_id', '=', userId).executeTakeFirst();
        if (!exists) throw notFound('not_found', 'no such message');
      }
      return reply.code(204).send(null);
    },
  );
}
