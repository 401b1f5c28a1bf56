// The stations of one provider as a table. The columns a booking server
// reports beyond the basic six (heartbeat figures: online, last seen,
// version, …) appear when the server sends them, and a missing value is a dash.
import { useState, type FormEvent, type ReactNode } from 'react';
import type { Station } from '../api.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { dateTime, duration } from '../format.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n, type I18n } from '../i18n/i18n.js';

interface HeartbeatColumn {
  key: keyof Station;
  label: MessageKey;
  show(s: Station, i18n: I18n): ReactNode;
}

const text = (v: unknown): string | null => {
  if (v === null || v === undefined || v === '') return null;
  if (Array.isArray(v)) return v.length ? v.join(', ') : null;
  if (typeof v === 'boolean') return v ? '✓' : '✗';
  return String(v);
};

/** Heartbeat columns, in the order they are shown when present. */
const OPTIONAL: HeartbeatColumn[] = [
  { key: 'lastSeenAt', label: 'stations.lastSeen', show: (s, { t, locale }) => (typeof s.lastSeenAt === 'number' ? <span title={dateTime(locale, s.lastSeenAt)}>{t('stations.ago', { time: duration(locale, Date.now() / 1000 - s.lastSeenAt) })}</span> : null) },
  { key: 'version', label: 'stations.version', show: (s) => text(s.version) },
  { key: 'sources', label: 'stations.sources', show: (s) => text(s.sources) },
  { key: 'relay', label: 'stations.relay', show: (s) => text(s.relay) },
  { key: 'offlinePolicy', label: 'stations.offlinePolicy', show: (s) => text(s.offlinePolicy) },
  { key: 'bundleAgeS', label: 'stations.bundleAge', show: (s, { locale }) => (typeof s.bundleAgeS === 'number' ? duration(locale, s.bundleAgeS) : null) },
  { key: 'journalBacklog', label: 'stations.backlog', show: (s, { locale }) => (typeof s.journalBacklog === 'number' ? new Intl.NumberFormat(locale).format(s.journalBacklog) : null) },
];

function Status({ station }: { station: Station }) {
  const { t } = useI18n();
  if (station.revoked) return <span className="badge badge--muted">{t('stations.revoked')}</span>;
  if (!station.enrolled) return <span className="badge badge--warn">{t('stations.pending')}</span>;
  if (station.online === true) return <span className="badge badge--ok">{t('stations.online')}</span>;
  if (station.online === false) return <span className="badge badge--bad">{t('stations.offline')}</span>;
  return <span className="badge badge--ok">{t('stations.enrolled')}</span>;
}

export interface StationActions {
  /** resolves whether the rename form is done (renamed, or there is nothing more to try) */
  onRename(station: Station, gate: string): Promise<boolean>;
  onNewCode(station: Station): void;
  onRevoke(station: Station): void;
}

export function StationTable({ stations, actions }: { stations: Station[]; actions: StationActions }) {
  const i18n = useI18n();
  const { t, locale } = i18n;
  const [renaming, setRenaming] = useState<string | null>(null);
  const columns: Column<Station>[] = [
    {
      label: t('stations.gate'),
      cellClassName: 'station',
      cell: (s) => (
        <>
          {renaming === s.stationId ? (
            <RenameForm station={s} onDone={() => setRenaming(null)} onRename={actions.onRename} />
          ) : (
            <span className="station__gate">{s.gate}</span>
          )}
          <span className="station__id" title={t('stations.id')}>
            {s.stationId}
          </span>
        </>
      ),
    },
    { label: t('stations.status'), cell: (s) => <Status station={s} /> },
    ...OPTIONAL.filter((c) => stations.some((s) => s[c.key] !== undefined)).map(
      (c): Column<Station> => ({ label: t(c.label), cellClassName: 'nowrap', cell: (s) => c.show(s, i18n) ?? <span className="muted">{t('common.none')}</span> }),
    ),
    { label: t('stations.created'), cellClassName: 'nowrap', cell: (s) => dateTime(locale, s.createdAt) },
    {
      label: t('stations.actions'),
      className: 'table__actions',
      cell: (s) =>
        !s.revoked &&
        renaming !== s.stationId && (
          <div className="row-actions">
            <button type="button" className="btn btn--small" onClick={() => setRenaming(s.stationId)}>
              {t('stations.rename')}
            </button>
            <button type="button" className="btn btn--small" onClick={() => actions.onNewCode(s)}>
              {t('stations.newCode')}
            </button>
            <button type="button" className="btn btn--small btn--danger-outline" onClick={() => actions.onRevoke(s)}>
              {t('stations.revoke')}
            </button>
          </div>
        ),
    },
  ];
  return (
    <DataTable
      testId="stations"
      columns={columns}
      rows={stations}
      rowKey={(s) => s.stationId}
      rowProps={(s) => ({ 'data-station': s.stationId, className: s.revoked ? 'row--revoked' : undefined })}
    />
  );
}

function RenameForm({ station, onRename, onDone }: { station: Station; onRename: StationActions['onRename']; onDone: () => void }) {
  const { t } = useI18n();
  const [gate, setGate] = useState(station.gate);
  const [busy, setBusy] = useState(false);
  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (gate.trim() === station.gate) return onDone();
    setBusy(true);
    const done = await onRename(station, gate.trim());
    setBusy(false);
    if (done) onDone();
  };
  return (
    <form className="inline-form" onSubmit={(e) => void submit(e)} aria-label={t('stations.renameTitle')}>
      <input required maxLength={100} value={gate} onChange={(e) => setGate(e.target.value)} aria-label={t('stations.gate')} autoFocus />
      <button type="submit" className="btn btn--small btn--primary" disabled={busy}>
        {t('common.save')}
      </button>
      <button type="button" className="btn btn--small" onClick={onDone}>
        {t('common.cancel')}
      </button>
    </form>
  );
}
