// Reminders: the inbox, and the settings (channels, lead time; the page's
// language is the reminders' language). A server without reminders answers
// 404 there: the page says reminders are not available rather than failing.
import { useEffect, useState, type FormEvent } from 'react';
import { api } from '../api.js';
import { ErrorBlock, Loading, Notice } from '../components/Status.js';
import { duration } from '../format.js';
import { useLoad } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { useSession } from '../session.js';
import { Inbox, notAvailable } from './Inbox.js';
import { SignInNeeded } from './SignInNeeded.js';
import { Hero, Panel } from '../components/Panel.js';
import { SubmitButton } from '../../../ui-kit/SubmitButton.js';

const CHANNELS = ['inapp', 'email', 'sms'] as const;
type Channel = (typeof CHANNELS)[number];
const LEAD_OPTIONS = [30, 60, 120, 180, 360, 1440, 2880];
const DEFAULTS = { channels: ['inapp', 'email'] as Channel[], leadMinutes: 120 };

function parseSettings(raw: unknown): typeof DEFAULTS {
  const o = (raw ?? {}) as { channels?: unknown; leadMinutes?: unknown };
  const channels = Array.isArray(o.channels) ? o.channels.filter((c): c is Channel => (CHANNELS as readonly unknown[]).includes(c)) : DEFAULTS.channels;
  const leadMinutes = typeof o.leadMinutes === 'number' && o.leadMinutes > 0 ? o.leadMinutes : DEFAULTS.leadMinutes;
  return { channels, leadMinutes };
}

export function RemindersPage() {
  const { t } = useI18n();
  const { token } = useSession();
  if (!token) return <SignInNeeded />;
  return (
    <div className="page page--narrow">
      <Hero title={t('reminders.title')} />
      <Inbox token={token} />
      <Settings token={token} />
    </div>
  );
}

function Settings({ token }: { token: string }) {
  const { t, locale, lang } = useI18n();
  const session = useSession();
  const current = useLoad(`reminders:${token}`, async () => parseSettings(await api.reminderSettings(token).catch((err: unknown) => (notAvailable(err) ? DEFAULTS : Promise.reject(err)))));
  const [channels, setChannels] = useState<Channel[]>(DEFAULTS.channels);
  const [lead, setLead] = useState(DEFAULTS.leadMinutes);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<{ ok: true; lead: number; none: boolean } | { ok: false; error: unknown } | null>(null);

  useEffect(() => {
    if (!current.data) return;
    setChannels(current.data.channels);
    setLead(current.data.leadMinutes);
  }, [current.data]);

  const toggle = (c: Channel) => setChannels((cs) => (cs.includes(c) ? cs.filter((x) => x !== c) : [...cs, c]));
  const options = LEAD_OPTIONS.includes(lead) ? LEAD_OPTIONS : [...LEAD_OPTIONS, lead].sort((a, b) => a - b);

  const save = async (e: FormEvent) => {
    e.preventDefault();
    setBusy(true);
    setResult(null);
    try {
      await api.saveReminders(token, channels, lead, lang);
      setResult({ ok: true, lead, none: channels.length === 0 });
    } catch (error) {
      session.check(error);
      setResult({ ok: false, error });
    } finally {
      setBusy(false);
    }
  };

  return (
    <Panel id="settings-title" title={t('reminders.settings')}>
      {current.loading && !current.data && <Loading label={t('reminders.loading')} />}
      {current.error !== undefined && <ErrorBlock error={current.error} onRetry={current.reload} />}
      {current.data && (
        <form onSubmit={(e) => void save(e)}>
          <fieldset className="field">
            <legend>{t('reminders.channels')}</legend>
            <div className="checks">
              {CHANNELS.map((c) => (
                <label key={c} className="check">
                  <input type="checkbox" checked={channels.includes(c)} onChange={() => toggle(c)} />
                  <span>{t(`reminders.${c}`)}</span>
                </label>
              ))}
            </div>
            {channels.length === 0 && <p className="field__hint">{t('reminders.none')}</p>}
          </fieldset>
          <div className="field">
            <label htmlFor="lead">{t('reminders.lead')}</label>
            <select id="lead" value={lead} onChange={(e) => setLead(Number(e.target.value))}>
              {options.map((m) => (
                <option key={m} value={m}>
                  {t('reminders.before', { time: duration(locale, m) })}
                </option>
              ))}
            </select>
          </div>
          {result?.ok === true && (
            <Notice tone="success">{result.none ? t('reminders.savedNone') : t('reminders.saved', { time: duration(locale, result.lead) })}</Notice>
          )}
          {result?.ok === false && (notAvailable(result.error) ? <Notice>{t('reminders.unavailable')}</Notice> : <ErrorBlock error={result.error} />)}
          <SubmitButton className="btn btn--primary" working={busy} workingLabel={t('reminders.saving')} announce>
            {t('reminders.save')}
          </SubmitButton>
        </form>
      )}
    </Panel>
  );
}
