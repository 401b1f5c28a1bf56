// The stations of one provider as a table that fits a 1280-px screen. The
// columns a booking server reports beyond the basic six (heartbeat figures:
// version, sources, …) appear when the server sends them, and a missing value
// is a dash. When it was last seen goes under a station's status; clock times
// are the venue's.
import { useState, type FormEvent, type ReactNode } from 'react';
import type { Station } from '../api.js';
import { DataTable, type Column } from '../components/DataTable.js';
import { duration, venueDate, venueTime } from '../format.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n, type I18n } from '../i18n/i18n.js';

interface HeartbeatColumn {
  key: keyof Station;
  label: MessageKey;
  show(s: Station, i18n: I18n): ReactNode;
}

const text = (v: string | null | undefined): string | null => (v === null || v === undefined || v === '' ? null : v);

type Part = NonNullable<Station['relay']>;

/** A scanner or the relay as its heartbeat said: its name, and its state when not working; the error on hover. */
function PartState({ name, part }: { name: string; part: Part }) {
  const { t } = useI18n();
  return (
    <span className={part.state === 'ok' ? undefined : 'station__part--bad'} title={part.error}>
      {name}
      {part.state !== 'ok' && ` (${t(part.state === 'off' ? 'stations.partOff' : 'stations.partError')})`}
    </span>
  );
}

/** Heartbeat columns, in the order they are shown when present. */
const OPTIONAL: HeartbeatColumn[] = [
  { key: 'version', label: 'stations.version', show: (s) => text(s.version) },
  {
    key: 'sources',
    label: 'stations.sources',
    show: (s) => (s.sources?.length ? s.sources.map((p, i) => <PartState key={i} name={p.name} part={p} />).reduce<ReactNode[]>((all, el) => (all.length ? [...all, ', ', el] : [el]), []) : null),
  },
  { key: 'relay', label: 'stations.relay', show: (s) => (s.relay ? <PartState name={s.relay.kind} part={s.relay} /> : null) },
  { key: 'offlinePolicy', label: 'stations.offlinePolicy', show: (s) => text(s.offlinePolicy) },
  { key: 'bundleAgeS', label: 'stations.bundleAge', show: (s, { locale }) => (typeof s.bundleAgeS === 'number' ? duration(locale, s.bundleAgeS) : null) },
  { key: 'journalBacklog', label: 'stations.backlog', show: (s, { locale }) => (typeof s.journalBacklog === 'number' ? new Intl.NumberFormat(locale).format(s.journalBacklog) : null) },
];

/** The status badge, and under it when the station was last heard from (the venue's time on hover). */
function Status({ station, zone }: { station: Station; zone: string | undefined }) {
  const { t, locale } = useI18n();
  const seen = station.lastSeenAt;
  return (
    <>
      <StatusBadge station={station} />
      {typeof seen === 'number' && (
        <span className="cell-sub muted nowrap" title={venueTime(locale, seen, zone, { date: true, seconds: true })} data-testid="last-seen">
          {t('stations.lastSeen')}: {t('stations.ago', { time: duration(locale, Date.now() / 1000 - seen) })}
        </span>
      )}
      <ClockSkew skewS={station.clockSkewS} />
    </>
  );
}

/** A PC clock a minute or more off the server's: venue IT should turn on its time sync. */
function ClockSkew({ skewS }: { skewS: number | null | undefined }) {
  const { t, locale } = useI18n();
  if (typeof skewS !== 'number' || Math.abs(skewS) < CLOCK_SKEW_SHOWN_S) return null;
  return (
    <span className="cell-sub station__part--bad nowrap" title={t('stations.clockHint')} data-testid="clock-skew">
      {t(skewS > 0 ? 'stations.clockAhead' : 'stations.clockBehind', { time: duration(locale, Math.abs(skewS)) })}
    </span>
  );
}

/** Below this, a clock off is not worth venue IT's attention: the offline check goes by the server's time anyway. */
const CLOCK_SKEW_SHOWN_S = 60;

function StatusBadge({ station }: { station: Station }) {
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

/** `zone`: the venue's, for the times shown */
export function StationTable({ stations, zone, actions }: { stations: Station[]; zone: string | undefined; actions: StationActions }) {
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
    { label: t('stations.status'), cell: (s) => <Status station={s} zone={zone} /> },
    ...OPTIONAL.filter((c) => stations.some((s) => s[c.key] !== undefined)).map(
      (c): Column<Station> => ({ label: t(c.label), cellClassName: 'nowrap', cell: (s) => c.show(s, i18n) ?? <span className="muted">{t('common.none')}</span> }),
    ),
    {
      label: t('stations.created'),
      cell: (s) => (
        <>
          <span className="nowrap">{venueDate(locale, s.createdAt, zone)}</span>
          <span className="cell-sub nowrap">{venueTime(locale, s.createdAt, zone)}</span>
        </>
      ),
    },
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
      className="table--stations"
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
