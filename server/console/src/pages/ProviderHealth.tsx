// Each provider's health on the Providers page: reachable or not (a word as
// well as a colour), the last error in words and how long ago, and p50/p99 of
// the relay's calls with their number over the server's window. Reloaded every
// 10 s while the page is open; the last answer stays shown meanwhile.
import { useEffect } from 'react';
import { api, type ProviderHealth, type ProviderHealthList } from '../api.js';
import { dateTime, duration } from '../format.js';
import { useLoad, type Load } from '../hooks.js';
import type { MessageKey } from '../i18n/en.js';
import { useI18n } from '../i18n/i18n.js';

const REFRESH_MS = 10_000;

/** The failure reasons the booking server records (server/booking/providers/call-hooks.ts). */
const REASONS: Record<string, MessageKey> = {
  timeout: 'health.reason.timeout',
  unreachable: 'health.reason.unreachable',
  server_error: 'health.reason.server_error',
  signature_refused: 'health.reason.signature_refused',
  bad_answer: 'health.reason.bad_answer',
};

export function useProviderHealth(): Load<ProviderHealthList> {
  const [load, reload] = useLoad((token) => api.providerHealth(token), []);
  useEffect(() => {
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [reload]);
  return load;
}

export function HealthCell({ load, providerId }: { load: Load<ProviderHealthList>; providerId: string }) {
  const { t } = useI18n();
  if (load.state === 'loading') return <span className="muted">{t('health.checking')}</span>;
  const health = load.state === 'ready' ? load.data.providers.find((p) => p.providerId === providerId) : undefined;
  if (load.state !== 'ready' || !health) return <span className="muted">{t('health.unknown')}</span>;
  return <Health health={health} windowS={load.data.windowS} />;
}

function Health({ health, windowS }: { health: ProviderHealth; windowS: number }) {
  const { t, locale } = useI18n();
  const ms = (v: number | null) => (v === null ? t('common.none') : t('health.ms', { ms: v < 10 ? v.toFixed(1) : String(Math.round(v)) }));
  const window = duration(locale, windowS);
  const error = health.lastError;
  return (
    <div className="health" data-testid="health" data-reachable={String(health.reachable)}>
      <span className={`badge badge--${health.reachable ? 'ok' : 'bad'}`}>
        {health.reachable ? '●' : '✕'} {t(health.reachable ? 'health.reachable' : 'health.unreachable')}
      </span>
      <span className="health__line">
        {health.calls === 0 ? t('health.noCalls', { window }) : t('health.calls', { n: health.calls, window })}
        {health.failures > 0 && <strong className="health__failed"> · {t('health.failed', { n: health.failures })}</strong>}
      </span>
      {health.calls > 0 && <span className="health__line">{t('health.latency', { p50: ms(health.p50Ms), p99: ms(health.p99Ms) })}</span>}
      {error && (
        <span className="health__line health__error" data-testid="health-error" title={[dateTime(locale, error.at), error.message].filter(Boolean).join(' · ')}>
          {t('health.lastError', {
            reason: REASONS[error.reason] ? t(REASONS[error.reason]!) : error.reason,
            ago: t('stations.ago', { time: duration(locale, Date.now() / 1000 - error.at) }),
          })}
        </span>
      )}
    </div>
  );
}
