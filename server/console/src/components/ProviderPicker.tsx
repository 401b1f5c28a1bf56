// The provider a page works on (Stations, Shows, Live): the providers this
// account may pick, the one in the address (?provider=…), the first one when
// the address names none of them, and the picker above the page's content.
// Each comes with the zone its venue's times are read in.
import { useEffect, type ReactNode } from 'react';
import { api, type ProviderDetails } from '../api.js';
import { useLoad, type Load } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { navigate, useLocation } from '../router.js';
import { ErrorNotice, Loading } from './Status.js';

export type ProviderName = Pick<ProviderDetails, 'providerId' | 'name' | 'timeZoneInUse'>;

/** The providers this account may pick: the server lists all of them to an admin, its own to venue staff. */
export async function providersFor(token: string): Promise<ProviderName[]> {
  return (await api.providers(token)).providers;
}

export interface ProviderChoice {
  load: Load<ProviderName[]>;
  reload(): void;
  /** empty until loaded */
  list: ProviderName[];
  /** as the address says, whether or not it is in the list */
  providerId: string;
  /** the one picked, once it is known to be in the list */
  provider: ProviderName | undefined;
  /** the page's address for another provider */
  pathFor(providerId: string): string;
}

/** `optional`: no provider is a choice too (every provider's entries), so none is picked for the page. */
export function useProviderChoice(pathFor: (providerId: string) => string, { optional = false } = {}): ProviderChoice {
  const { search, href } = useLocation();
  const [load, reload] = useLoad(providersFor, []);
  const list = load.state === 'ready' ? load.data : [];
  const providerId = search.get('provider') ?? '';
  const provider = list.find((p) => p.providerId === providerId);
  // No provider chosen yet: the first one.
  useEffect(() => {
    if (!optional && !provider && list.length > 0) navigate(pathFor(list[0]!.providerId), { replace: true, from: href });
  }, [provider, list, providerId]);
  return { load, reload, list, providerId, provider, pathFor };
}

/**
 * The providers' loading state, then a toolbar with the picker and what the
 * page adds beside it. `empty`: said when the account has no provider at all.
 */
export function ProviderToolbar({
  choice,
  testId = 'provider-picker',
  empty,
  allLabel,
  children,
}: {
  choice: ProviderChoice;
  testId?: string;
  empty?: string;
  /** the choice of no provider in particular, for pages where that means all of them */
  allLabel?: string;
  children?: ReactNode;
}) {
  const { t } = useI18n();
  const { load, list, provider } = choice;
  if (load.state === 'loading') return <Loading />;
  if (load.state === 'error') return <ErrorNotice error={load.error} onRetry={choice.reload} />;
  if (list.length === 0) return empty === undefined ? null : <p className="empty">{empty}</p>;
  return (
    <div className="toolbar">
      <label className="field field--inline">
        <span className="field__label">{t('stations.provider')}</span>
        <select value={provider?.providerId ?? ''} onChange={(e) => navigate(choice.pathFor(e.target.value))} data-testid={testId}>
          {(allLabel !== undefined || !provider) && <option value="">{allLabel ?? t('stations.pickProvider')}</option>}
          {list.map((p) => (
            <option key={p.providerId} value={p.providerId}>
              {p.name} ({p.providerId})
            </option>
          ))}
        </select>
      </label>
      {children}
    </div>
  );
}
