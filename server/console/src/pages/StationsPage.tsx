// The gate stations of one provider, picked above the table: add a station
// for a gate (its setup QR and one-time code appear at once), make a new
// setup code, rename, revoke after a confirmation.
import { useEffect, useState, type FormEvent } from 'react';
import { api, ApiError, type Enrollment, type Station } from '../api.js';
import { ConfirmDialog } from '../components/ConfirmDialog.js';
import { Loaded } from '../components/DataTable.js';
import { Field } from '../components/Field.js';
import { ProviderToolbar, useProviderChoice } from '../components/ProviderPicker.js';
import { SetupPanel } from '../components/SetupPanel.js';
import { FeedbackNotice, PageHeader, type Feedback } from '../components/Status.js';
import { reasonOf } from '../errors.js';
import { useLoad } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { paths } from '../router.js';
import { useSession } from '../session.js';
import { StationTable, type StationActions } from './StationTable.js';
import { SubmitButton } from '../../../ui-kit/SubmitButton.js';

export function StationsPage() {
  const { t } = useI18n();
  const { token, check } = useSession();
  const choice = useProviderChoice(paths.stations);
  const { providerId, provider } = choice;
  const [stations, reloadStations] = useLoad(async (tk) => (await api.stations(tk)).stations.filter((s) => s.providerId === providerId), [providerId]);
  const [gate, setGate] = useState('');
  const [adding, setAdding] = useState(false);
  const [enrollment, setEnrollment] = useState<Enrollment | null>(null);
  const [revoking, setRevoking] = useState<Station | null>(null);
  const [message, setMessage] = useState<Feedback | null>(null);
  const [showRevoked, setShowRevoked] = useState(false);

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
      <ProviderToolbar choice={choice} empty={t('stations.noProviders')}>
        {provider && (
          <form className="inline-form toolbar__add" onSubmit={(e) => void add(e)} data-testid="add-station">
            <Field inline label={t('stations.gate')}>
              <input required maxLength={100} placeholder={t('stations.gateHint')} value={gate} onChange={(e) => setGate(e.target.value)} />
            </Field>
            <SubmitButton className="btn btn--primary" working={adding} workingLabel={t('stations.adding')}>
              {t('stations.add')}
            </SubmitButton>
          </form>
        )}
      </ProviderToolbar>
      <FeedbackNotice feedback={message} />
      {enrollment && provider && (
        <SetupPanel enrollment={enrollment} providerName={provider.name} onRenew={() => void newCode(enrollment.stationId)} onClose={() => setEnrollment(null)} />
      )}
      {provider && (
        <Loaded load={stations} onRetry={reloadStations} empty={t('stations.empty')} isEmpty={() => shown.length === 0}>
          {() => <StationTable stations={shown} zone={provider.timeZoneInUse} actions={actions} />}
        </Loaded>
      )}
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
