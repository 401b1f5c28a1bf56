// Registering a provider, or editing one under the same ID. After a
// registration the assigned provider ID is the page: it is what venue IT
// types into the verification server's and the stations' settings. The secret
// goes in and is never shown back; on edit an empty secret keeps the old one.
import { useEffect, useRef, useState, type FormEvent, type ReactNode } from 'react';
import { api, type ProviderDetails, type UpdateProviderRequest } from '../api.js';
import { CopyButton } from '../components/CopyButton.js';
import { ErrorNotice, Loading, Notice, PageHeader } from '../components/Status.js';
import { useLoad } from '../hooks.js';
import { useI18n } from '../i18n/i18n.js';
import { Link, paths } from '../router.js';
import { useSession } from '../session.js';
import { Field } from '../components/Field.js';
import { TimeZoneField } from '../components/TimeZoneField.js';
import { errorMessage, reasonOf } from '../errors.js';
import { SubmitButton } from '../../../ui-kit/SubmitButton.js';

interface Fields {
  name: string;
  urls: string;
  secret: string;
  batchScans: boolean;
  /** IANA name; empty: the booking server's zone */
  timeZone: string;
}

const urlList = (text: string) => text.split(/\s+/).filter(Boolean);

export function ProviderFormPage({ providerId }: { providerId?: string }) {
  const { t } = useI18n();
  const [load, reload] = useLoad(async (token) => (providerId ? (await api.providers(token)).providers.find((p) => p.providerId === providerId) ?? null : null), [providerId]);
  const back = (
    <Link href={paths.providers()} className="back">
      ← {t('provider.back')}
    </Link>
  );
  if (!providerId) return <ProviderForm key="new" back={back} />;
  if (load.state === 'loading') return <Loading />;
  if (load.state === 'error') return <ErrorNotice error={load.error} onRetry={reload} />;
  if (!load.data) return <PageHeader title={t('provider.notFound')} actions={back} />;
  return <ProviderForm key={providerId} existing={load.data} back={back} />;
}

function ProviderForm({ existing, back }: { existing?: ProviderDetails; back: ReactNode }) {
  const { t } = useI18n();
  const { token, check } = useSession();
  const zone = (f: Fields) => f.timeZone.trim() || null;
  const fieldsOf = (p?: ProviderDetails): Fields => ({
    name: p?.name ?? '',
    urls: p?.verifyUrls.join('\n') ?? '',
    secret: '',
    batchScans: p?.batchScans ?? true,
    timeZone: p?.timeZone ?? '',
  });
  const initial = fieldsOf(existing);
  const [fields, setFields] = useState<Fields>(initial);
  const [saved, setSaved] = useState<ProviderDetails | null>(existing ?? null);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<unknown>(null);
  const [notice, setNotice] = useState<'saved' | 'unchanged' | null>(null);
  const [registered, setRegistered] = useState<{ providerId: string; name: string } | null>(null);
  const idRef = useRef<HTMLElement>(null);
  const set = <K extends keyof Fields>(key: K, value: Fields[K]) => setFields((f) => ({ ...f, [key]: value }));

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    if (!token) return;
    const urls = urlList(fields.urls);
    const url = urls.length === 1 ? { verifyUrl: urls[0]! } : { verifyUrls: urls };
    setBusy(true);
    setError(null);
    setNotice(null);
    try {
      if (!saved) {
        const timeZone = zone(fields) ?? undefined;
        setRegistered(await api.registerProvider(token, { name: fields.name.trim(), ...url, secret: fields.secret, batchScans: fields.batchScans, timeZone }));
        return;
      }
      const changes: UpdateProviderRequest = {};
      if (fields.name.trim() !== saved.name) changes.name = fields.name.trim();
      if (urls.join('\n') !== saved.verifyUrls.join('\n')) Object.assign(changes, url);
      if (fields.secret) changes.secret = fields.secret;
      if (fields.batchScans !== saved.batchScans) changes.batchScans = fields.batchScans;
      if (zone(fields) !== saved.timeZone) changes.timeZone = zone(fields);
      if (Object.keys(changes).length === 0) {
        setNotice('unchanged');
        return;
      }
      const updated = await api.updateProvider(token, saved.providerId, changes);
      setSaved(updated);
      setFields(fieldsOf(updated));
      setNotice('saved');
    } catch (err) {
      check(err);
      setError(err);
    } finally {
      setBusy(false);
    }
  };

  // A refused zone is told on its field; every other failure above the buttons.
  const zoneError = reasonOf(error) === 'invalid_time_zone' ? errorMessage(t, error) : null;

  if (registered) return <Registered provider={registered} back={back} onAnother={() => (setRegistered(null), setFields(initial))} />;

  return (
    <>
      {back}
      <PageHeader title={saved ? t('provider.editTitle', { name: saved.name }) : t('provider.newTitle')} />
      {saved && (
        <p className="id-line">
          {t('providers.id')}: <code ref={idRef}>{saved.providerId}</code> <CopyButton value={saved.providerId} target={() => idRef.current} />
        </p>
      )}
      <form className="form form--panel" onSubmit={(e) => void submit(e)} data-testid="provider-form">
        <Field label={t('provider.name')} hint={t('provider.nameHint')}>
          <input required maxLength={100} value={fields.name} onChange={(e) => set('name', e.target.value)} />
        </Field>
        <Field label={t('provider.urls')} hint={t('provider.urlsHint')}>
          <textarea required rows={Math.max(2, urlList(fields.urls).length)} spellCheck={false} value={fields.urls} onChange={(e) => set('urls', e.target.value)} />
        </Field>
        <Field label={t('provider.secret')} hint={saved ? t('provider.secretKeep') : t('provider.secretHint')}>
          <input
            type="password"
            autoComplete="new-password"
            spellCheck={false}
            required={!saved}
            minLength={16}
            maxLength={256}
            value={fields.secret}
            onChange={(e) => set('secret', e.target.value)}
          />
        </Field>
        <TimeZoneField
          value={fields.timeZone}
          onChange={(v) => {
            set('timeZone', v);
            // The refusal was of the name it replaces.
            if (zoneError) setError(null);
          }}
          serverZone={saved && !saved.timeZone ? saved.timeZoneInUse : undefined}
          error={zoneError}
        />
        <label className="check">
          <input type="checkbox" checked={fields.batchScans} onChange={(e) => set('batchScans', e.target.checked)} />
          <span>
            {t('provider.batch')}
            <span className="field__hint">{t('provider.batchHint')}</span>
          </span>
        </label>
        {error !== null && !zoneError && <ErrorNotice error={error} />}
        {notice && <Notice kind={notice === 'saved' ? 'success' : 'info'}>{t(notice === 'saved' ? 'provider.saved' : 'provider.unchanged')}</Notice>}
        <div className="form__actions">
          <SubmitButton className="btn btn--primary" working={busy} workingLabel={t('common.saving')}>
            {saved ? t('common.save') : t('provider.submit')}
          </SubmitButton>
        </div>
      </form>
    </>
  );
}

function Registered({ provider, back, onAnother }: { provider: { providerId: string; name: string }; back: ReactNode; onAnother: () => void }) {
  const { t } = useI18n();
  const idRef = useRef<HTMLElement>(null);
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), []);
  return (
    <>
      {back}
      <section className="panel panel--success" data-testid="provider-registered">
        <h1 ref={headingRef} tabIndex={-1}>
          {t('provider.doneTitle')}
        </h1>
        <p>{t('provider.doneLead', { name: provider.name })}</p>
        <div className="big-id">
          <code ref={idRef} data-testid="provider-id">
            {provider.providerId}
          </code>
          <CopyButton value={provider.providerId} target={() => idRef.current} />
        </div>
        <div className="form__actions">
          <Link className="btn btn--primary" href={paths.stations(provider.providerId)}>
            {t('provider.addStations')}
          </Link>
          <button type="button" className="btn" onClick={onAnother}>
            {t('provider.another')}
          </button>
        </div>
      </section>
    </>
  );
}
