// The in-app reminder inbox: newest first, a page at a time with a button for
// older ones, unread ones marked (and marked read once shown), each linking to
// its ticket. A server without reminders answers 404: that reads as "not
// available", not as an error.
import { useEffect, useRef } from 'react';
import { api, ApiError } from '../api.js';
import { ErrorBlock, Loading, Notice } from '../components/Status.js';
import { dateTime } from '../format.js';
import { MoreButton } from '../components/MoreButton.js';
import { usePages } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, paths } from '../router.js';
import { useSession } from '../session.js';
import { Panel } from '../components/Panel.js';

export interface InboxMessage {
  id: string;
  title: string;
  body: string;
  at: number | undefined;
  ticketId: string | null;
  /** the ticket's order, which the link opens */
  orderId: string | null;
  unread: boolean;
}

export const notAvailable = (err: unknown) => err instanceof ApiError && err.status === 404;

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

/** The inbox as GET /api/v1/me/messages sends it; a message missing a field still shows what it has. */
export function parseMessages(raw: unknown): InboxMessage[] {
  const list = Array.isArray((raw as { messages?: unknown })?.messages) ? (raw as { messages: unknown[] }).messages : [];
  return list.flatMap((m, i) => {
    if (!m || typeof m !== 'object') return [];
    const o = m as Record<string, unknown>;
    const title = str(o.title) ?? str(o.subject) ?? '';
    const body = str(o.body) ?? '';
    if (!title && !body) return [];
    return [
      {
        id: str(o.messageId) ?? String(i),
        title,
        body,
        at: typeof o.createdAt === 'number' ? o.createdAt : undefined,
        ticketId: str(o.ticketId) ?? null,
        orderId: str(o.orderId) ?? null,
        unread: o.readAt === null,
      },
    ];
  });
}

export function Inbox({ token }: { token: string }) {
  const { t, locale } = useI18n();
  const session = useSession();
  const inbox = usePages(`inbox:${token}`, async (cursor) => {
    const raw = await api.messages(token, cursor);
    const next = (raw as { next?: unknown })?.next;
    return { items: parseMessages(raw), next: typeof next === 'string' ? next : null };
  });
  const messages = inbox.items;
  // The first page: until it comes, or when it failed, there is nothing to list.
  const first = messages.length === 0;

  useEffect(() => {
    if (inbox.error !== undefined) session.check(inbox.error);
  }, [inbox.error, session]);

  // Shown is read: tell the server, quietly, in one request for each page shown (they stay marked "new" on this visit).
  const told = useRef(new Set<string>());
  useEffect(() => {
    const fresh = messages.filter((m) => m.unread && !told.current.has(m.id)).map((m) => m.id);
    if (fresh.length === 0) return;
    for (const id of fresh) told.current.add(id);
    api.markRead(token, fresh).catch(() => undefined);
  }, [messages, token]);

  return (
    <Panel id="inbox-title" title={t('reminders.inbox')}>
      {inbox.loading && first && <Loading label={t('reminders.loading')} />}
      {inbox.error !== undefined &&
        (notAvailable(inbox.error) ? <Notice>{t('reminders.unavailable')}</Notice> : <ErrorBlock error={inbox.error} onRetry={first ? inbox.reload : inbox.loadMore} />)}
      {!inbox.loading && first && inbox.error === undefined && <p className="empty">{t('reminders.inboxEmpty')}</p>}
      {!first && (
        <ul className="inbox">
          {messages.map((m) => (
            <li key={m.id} className={`inbox__item${m.unread ? ' inbox__item--unread' : ''}`}>
              <p className="inbox__title">
                {m.unread && <span className="badge badge--accent">{t('reminders.new')}</span>}
                {m.title}
              </p>
              {m.body && <p className="inbox__body">{m.body}</p>}
              <p className="inbox__meta">
                {m.at !== undefined && <time dateTime={new Date(m.at * 1000).toISOString()}>{dateTime(locale, m.at)}</time>}
                {m.orderId && (
                  <Link className="inbox__link" href={paths.order(m.orderId)}>
                    {t('tickets.open')}
                  </Link>
                )}
              </p>
            </li>
          ))}
        </ul>
      )}
      <MoreButton pages={inbox} label={t('reminders.older')} loadingLabel={t('reminders.loading')} />
    </Panel>
  );
}
