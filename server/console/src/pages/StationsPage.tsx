// The gate stations of one provider, picked above the table: add a station
// for a gate (its setup QR and one-time code appear at once), make a new
// setup code, rename, revoke after a confirmation.
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type Enrollment, type Staff, type Station } from '../api.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { SetupPanel } from '../components/SetupPanel.js';
import { ErrorNotice, Loading, Notice, PageHeader } from '../components/Status.js';
import { reasonOf } from '../errors.js';
import { useLoad } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { navigate, paths, useLocation } from '../router.js';
import { useSession } from '../session.js';
import { StationTable, type StationActions } from './StationTable.js';

/** The providers this account may pick: all of them for an admin, its own for venue staff. */
export async function providersFor(token: string, staff: Staff | null): Promise<{ providerId: string; name: string }[]> {
  if (staff?.role === 'admin') return (await api.providers(token)).providers;
  const mine = new Set(staff?.providerIds ?? []);
  return (await api.providerNames()).providers.filter((p) => mine.has(p.providerId));
}

type Message = { kind: 'success' | 'error' | 'info'; text: string } | { kind: 'failure'; error: unknown };

export function StationsPage() {
  const { t } = useI18n();
  const { token, staff, check } = useSession();
  const { search } = useLocation();
  const [providers, reloadProviders] = useLoad((tk) => providersFor(tk, staff), [staff]);
  const list = providers.state === 'ready' ? providers.data : [];
  const providerId = search.get('provider') ?? '';
  const provider = list.find((p) => p.providerId === providerId);
  const [stations, reloadStations] = useLoad(async (tk) => (await api.stations(tk)).stations.filter((s) => s.providerId === providerId), [providerId]);
  const [gate, setGate] = useState('');
  const [adding, setAdding] = useState(false);
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [revoking, setRevoking] = useState<Station | null>(null);
  const [message, setMessage] = useState<Message | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);

  // No provider chosen yet: the first one.
  useEffect(() => {
    if (!provider && list.length > 0 && !list.some((p) => p.providerId === providerId)) navigate(paths.stations(list[0]!.providerId), { replace: true });
  }, [provider, list, providerId]);
  useEffect(() => {
    setEnrollment(null);
    setMessage(null);
  }, [providerId]);

  const failed = (error: unknown) => {
    check(error);
    setMessage({ kind: 'failure', error });
  };

  const add = async (e: FormEvent) => {
    e.preventDefault();
    if (!token || !provider) return;
    setAdding(true);
    setMessage(null);
    try {
      setEnrollment(await api.addStation(token, provider.providerId, gate.trim()));
      setGate('');
      reloadStations();
    } catch (err) {
      failed(err);
    } finally {
      setAdding(false);
    }
  };

  const newCode = async (stationId: string) => {
    if (!token) return;
    setMessage(null);
    try {
      setEnrollment(await api.newEnrollment(token, stationId));
      reloadStations();
    } catch (err) {
      if (reasonOf(err) === 'unknown_station') reloadStations();
      failed(err);
    }
  };

  const actions: StationActions = {
    onNewCode: (s) => void newCode(s.stationId),
    onRevoke: (s) => setRevoking(s),
    onRename: async (s, newGate) => {
      if (!token) return false;
      setMessage(null);
      try {
        await api.renameStation(token, s.stationId, newGate);
        setMessage({ kind: 'success', text: t('stations.renamed', { gate: newGate }) });
        reloadStations();
        return true;
      } catch (err) {
        // A server without the rename route answers the generic 404: say what it means.
        if (err instanceof ApiError && err.status === 404 && err.reason === 'not_found') {
          setMessage({ kind: 'info', text: t('stations.renameUnavailable') });
          return true;
        }
        if (reasonOf(err) === 'unknown_station') {
          setMessage({ kind: 'error', text: t('stations.unknown') });
          reloadStations();
          return true;
        }
        failed(err);
        return false;
      }
    },
  };

  const revoke = async (station: Station) => {
    setRevoking(null);
    if (!token) return;
    try {
      await api.revokeStation(token, station.stationId);
      if (enrollment?.stationId === station.stationId) setEnrollment(null);
      setMessage({ kind: 'success', text: t('stations.revokedDone', { gate: station.gate }) });
    } catch (err) {
      if (reasonOf(err) === 'unknown_station') setMessage({ kind: 'error', text: t('stations.unknown') });
      else failed(err);
    }
    reloadStations();
  };

  const rows = stations.state === 'ready' ? stations.data : [];
  const revokedCount = rows.filter((s) => s.revoked).length;
  const shown = showRevoked ? rows : rows.filter((s) => !s.revoked);

  return (
    <>
      <PageHeader title={t('stations.title')} lead={t('stations.lead')} />
      {providers.state === 'loading' && <Loading />}
      {providers.state === 'error' && <ErrorNotice error={providers.error} onRetry={reloadProviders} />}
      {providers.state === 'ready' && list.length === 0 && <p className="empty">{t('stations.noProviders')}</p>}
      {list.length > 0 && (
        <div className="toolbar">
          <label className="field field--inline">
            <span className="field__label">{t('stations.provider')}</span>
            <select value={provider?.providerId ?? ''} onChange={(e) => navigate(paths.stations(e.target.value))} data-testid="provider-picker">
              {!provider && <option value="">{t('stations.pickProvider')}</option>}
              {list.map((p) => (
                <option key={p.providerId} value={p.providerId}>
                  {p.name} ({p.providerId})
                </option>
              ))}
            </select>
          </label>
          {provider && (
            <form className="inline-form toolbar__add" onSubmit={(e) => void add(e)} data-testid="add-station">
              <label className="field field--inline">
                <span className="field__label">{t('stations.gate')}</span>
                <input required maxLength={100} placeholder={t('stations.gateHint')} value={gate} onChange={(e) => setGate(e.target.value)} />
              </label>
              <button type="submit" className="btn btn--primary" disabled={adding}>
                {adding ? t('stations.adding') : t('stations.add')}
              </button>
            </form>
          )}
        </div>
      )}
      {message && (message.kind === 'failure' ? <ErrorNotice error={message.error} /> : <Notice kind={message.kind}>{message.text}</Notice>)}
      {enrollment && provider && (
        <SetupPanel enrollment={enrollment} providerName={provider.name} onRenew={() => void newCode(enrollment.stationId)} onClose={() => setEnrollment(null)} />
      )}
      {provider && stations.state === 'loading' && <Loading />}
      {provider && stations.state === 'error' && <ErrorNotice error={stations.error} onRetry={reloadStations} />}
      {provider && stations.state === 'ready' && shown.length === 0 && <p className="empty">{t('stations.empty')}</p>}
      {provider && shown.length > 0 && <StationTable stations={shown} actions={actions} />}
      {provider && revokedCount > 0 && (
        <label className="check check--small">
          <input type="checkbox" checked={showRevoked} onChange={(e) => setShowRevoked(e.target.checked)} />
          <span>{t('stations.showRevoked', { n: revokedCount })}</span>
        </label>
      )}
      {revoking && (
        <ConfirmDialog confirm={t('stations.revokeYes')} onConfirm={() => void revoke(revoking)} onCancel={() => setRevoking(null)}>
          {t('stations.revokeConfirm', { gate: revoking.gate })}
        </ConfirmDialog>
      )}
    </>
  );
}
