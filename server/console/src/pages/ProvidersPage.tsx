// The registered providers (verification servers): name, provider ID, where
// the booking server reaches them, the venue's time zone, whether they answer,
// and links to edit them and to their stations.
import { api, type ProviderDetails } from '../api.js';
import { DataTable, Loaded, type Column } from '../components/DataTable.js';
import { PageHeader } from '../components/Status.js';
import { venueTime } from '../format.js';
import { useLoad } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, paths } from '../router.js';
import { HealthCell, useProviderHealth } from './ProviderHealth.js';

export function ProvidersPage() {
  const { t, locale } = useI18n();
  const [load, reload] = useLoad((token) => api.providers(token), []);
  const health = useProviderHealth();
  const now = Date.now() / 1000;
  const columns: Column<ProviderDetails>[] = [
    {
      // The verification server's URL under the name: the health and zone columns need the width.
      label: `${t('providers.name')} · ${t('providers.urls')}`,
      cell: (p) => (
        <>
          <span className="strong">{p.name}</span>
          <span className="cell-sub url">
            {p.verifyUrls[0]}
            {p.verifyUrls.length > 1 && <span className="muted"> {t('providers.moreUrls', { n: p.verifyUrls.length - 1 })}</span>}
          </span>
        </>
      ),
    },
    { label: t('providers.id'), cellClassName: 'nowrap', cell: (p) => <code>{p.providerId}</code> },
    {
      label: t('providers.zone'),
      testId: 'zone',
      cell: (p) => (
        <>
          <span className="nowrap">{p.timeZone ?? t('providers.zoneServer')}</span>
          <span className="cell-sub muted">{t('providers.zoneNow', { time: venueTime(locale, now, p.timeZoneInUse), zone: p.timeZoneInUse })}</span>
        </>
      ),
    },
    { label: t('providers.health'), cell: (p) => <HealthCell load={health} providerId={p.providerId} /> },
    {
      label: t('providers.actions'),
      className: 'table__actions',
      cell: (p) => (
        <div className="row-actions">
          <Link className="btn btn--small" href={paths.provider(p.providerId)}>
            {t('providers.edit')}
          </Link>
          <Link className="btn btn--small" href={paths.stations(p.providerId)}>
            {t('providers.stations')}
          </Link>
        </div>
      ),
    },
  ];
  return (
    <>
      <PageHeader
        title={t('providers.title')}
        lead={t('providers.lead')}
        actions={
          <Link className="btn btn--primary" href={paths.newProvider()}>
            {t('providers.register')}
          </Link>
        }
      />
      <Loaded load={load} onRetry={reload} empty={t('providers.empty')} isEmpty={(d) => d.providers.length === 0}>
        {(data) => (
          <>
            <DataTable
              testId="providers"
              columns={columns}
              rows={data.providers}
              rowKey={(p) => p.providerId}
              rowProps={(p) => ({ 'data-provider': p.providerId })}
            />
            <p className="muted table-note">{t('providers.healthNote')}</p>
          </>
        )}
      </Loaded>
    </>
  );
}
