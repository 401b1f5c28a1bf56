// The registered providers (verification servers): name, provider ID, where
// the booking server reaches them, and links to edit them and to their stations.
import { api } from '../api.js';
import { ErrorNotice, Loading, PageHeader } from '../components/Status.js';
import { dateTime } from '../format.js';
import { useLoad } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, paths } from '../router.js';

export function ProvidersPage() {
  const { t, locale } = useI18n();
  const [load, reload] = useLoad((token) => api.providers(token), []);
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
      {load.state === 'loading' && <Loading />}
      {load.state === 'error' && <ErrorNotice error={load.error} onRetry={reload} />}
      {load.state === 'ready' && load.data.providers.length === 0 && <p className="empty">{t('providers.empty')}</p>}
      {load.state === 'ready' && load.data.providers.length > 0 && (
        <div className="table-wrap">
          <table className="table" data-testid="providers">
            <thead>
              <tr>
                <th scope="col">{t('providers.name')}</th>
                <th scope="col">{t('providers.id')}</th>
                <th scope="col">{t('providers.urls')}</th>
                <th scope="col">{t('providers.batch')}</th>
                <th scope="col">{t('providers.created')}</th>
                <th scope="col" className="table__actions">
                  {t('providers.actions')}
                </th>
              </tr>
            </thead>
            <tbody>
              {load.data.providers.map((p) => (
                <tr key={p.providerId} data-provider={p.providerId}>
                  <td className="strong">{p.name}</td>
                  <td>
                    <code>{p.providerId}</code>
                  </td>
                  <td className="url">
                    {p.verifyUrls[0]}
                    {p.verifyUrls.length > 1 && <span className="muted"> {t('providers.moreUrls', { n: p.verifyUrls.length - 1 })}</span>}
                  </td>
                  <td>{t(p.batchScans ? 'common.yes' : 'common.no')}</td>
                  <td className="nowrap">{dateTime(locale, p.createdAt)}</td>
                  <td className="table__actions">
                    <div className="row-actions">
                      <Link className="btn btn--small" href={paths.provider(p.providerId)}>
                        {t('providers.edit')}
                      </Link>
                      <Link className="btn btn--small" href={paths.stations(p.providerId)}>
                        {t('providers.stations')}
                      </Link>
                    </div>
                  </td>
                </tr>
              ))}
            </tbody>
          </table>
        </div>
      )}
    </>
  );
}
