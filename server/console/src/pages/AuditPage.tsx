// The audit log: who changed what, and when, newest first. An entry of a
// provider is dated in that venue's zone, any other in this browser's, the
// zone always named. Venue staff get their own providers' entries only (the
// server decides). Filtered by provider; "show older" pages back with `before`.
import { useState } from 'react';
import { api, type AuditEntry, type ProviderDetails } from '../api.js';
import { DataTable, Loaded, type Column } from '../components/DataTable.js';
import { ProviderToolbar, useProviderChoice } from '../components/ProviderPicker.js';
import { ErrorNotice, PageHeader } from '../components/Status.js';
import { venueTime } from '../format.js';
import { useLoad } from '../hooks.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n, type Translate } from '../i18n/i18n.js';
import { paths } from '../router.js';
import { useSession } from '../session.js';

const PAGE = 50;

/** The actions the booking server records (server/booking/staff/audit.ts); others are shown as their code. */
const ACTIONS: readonly string[] = [
  'staff.create',
  'staff.update',
  'staff.delete',
  'staff.sign_in',
  'provider.register',
  'provider.update',
  'station.create',
  'station.rename',
  'station.enrollment',
  'station.revoke',
  'ticket.revoke',
  'admission.annul',
  'key.rotate',
  'key.retire',
  'show.create',
  'show.update',
  'show.cancel',
  'conflict.acknowledge',
];

export const actionWords = (t: Translate, action: string): string => (ACTIONS.includes(action) ? t(`audit.action.${action}` as MessageKey) : action);

export function AuditPage() {
  const { t } = useI18n();
  const choice = useProviderChoice(paths.audit, { optional: true });
  const [providers] = useLoad((token) => api.providers(token), []);
  const known = providers.state === 'ready' ? providers.data.providers : [];
  return (
    <>
      <PageHeader title={t('audit.title')} lead={t('audit.lead')} />
      <ProviderToolbar choice={choice} allLabel={t('audit.allProviders')} testId="audit-provider" />
      <AuditList key={choice.providerId} providerId={choice.providerId || undefined} providers={known} />
    </>
  );
}

function AuditList({ providerId, providers }: { providerId?: string; providers: ProviderDetails[] }) {
  const { t, locale } = useI18n();
  const { token, check } = useSession();
  const [first, reload] = useLoad((tk) => api.audit(tk, { providerId, limit: PAGE }), [providerId]);
  const [older, setOlder] = useState<AuditEntry[][]>([]);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const byId = new Map(providers.map((p) => [p.providerId, p]));

  const loadOlder = async (before: number) => {
    if (!token) return;
    setBusy(true);
    setError(null);
    try {
      const { entries } = await api.audit(token, { providerId, limit: PAGE, before });
      setOlder((pages) => [...pages, entries]);
    } catch (err) {
      check(err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  const columns: Column<AuditEntry>[] = [
    {
      label: t('audit.when'),
      cellClassName: 'nowrap',
      testId: 'audit-when',
      cell: (e) => venueTime(locale, e.at, e.providerId ? byId.get(e.providerId)?.timeZoneInUse : undefined, { date: true, seconds: true }),
    },
    { label: t('audit.who'), testId: 'audit-who', cell: (e) => (e.actor === 'admin token' ? <em>{t('nav.adminToken')}</em> : e.actor) },
    { label: t('audit.action'), cellClassName: 'strong nowrap', testId: 'audit-action', cell: (e) => <span title={e.action}>{actionWords(t, e.action)}</span> },
    {
      label: t('audit.target'),
      testId: 'audit-target',
      cell: (e) => (
        <>
          {e.target && <code>{e.target}</code>}
          {e.providerId && <span className="cell-sub muted">{byId.get(e.providerId)?.name ?? e.providerId}</span>}
        </>
      ),
    },
    { label: t('audit.details'), cellClassName: 'details', cell: (e) => <Details details={e.details} /> },
  ];

  return (
    <Loaded load={first} onRetry={reload} empty={t(providerId ? 'audit.emptyProvider' : 'audit.empty')} isEmpty={(d) => d.entries.length === 0}>
      {(data) => {
        const entries = [...data.entries, ...older.flat()];
        const more = (older.at(-1) ?? data.entries).length === PAGE;
        return (
          <>
            <DataTable testId="audit" columns={columns} rows={entries} rowKey={(e) => e.auditId} rowProps={(e) => ({ 'data-action': e.action })} />
            {error !== null && <ErrorNotice error={error} />}
            <div className="list-foot">
              {more ? (
                <button type="button" className="btn" disabled={busy} onClick={() => void loadOlder(entries.at(-1)!.auditId)} data-testid="audit-older">
                  {busy ? t('common.loading') : t('audit.older')}
                </button>
              ) : (
                <span className="muted">{t('audit.end')}</span>
              )}
            </div>
          </>
        );
      }}
    </Loaded>
  );
}

/** An entry's details in one or two lines: `key: value`, values cut short; the whole in the tooltip. */
function Details({ details }: { details: Record<string, unknown> }) {
  const shown = Object.entries(details).filter(([, v]) => v !== null && v !== undefined && !(Array.isArray(v) && v.length === 0));
  if (shown.length === 0) return <span className="muted">—</span>;
  return (
    <span title={JSON.stringify(details, null, 1)}>
      {shown.map(([k, v], i) => (
        <span key={k} className="detail">
          {i > 0 && ' · '}
          <span className="muted">{k}:</span> {short(v)}
        </span>
      ))}
    </span>
  );
}

function short(value: unknown): string {
  const text = Array.isArray(value) ? value.map((v) => (typeof v === 'string' ? v : JSON.stringify(v))).join(', ') : typeof value === 'string' ? value : JSON.stringify(value);
  return text.length > 60 ? `${text.slice(0, 59)}…` : text;
}
