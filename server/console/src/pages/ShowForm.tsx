// Creating or changing a show. Times are entered and shown on the venue's clock
// (its zone named beside them), wherever the browser is; the seat map is fixed
// once a seat is sold.
import { useState, type FormEvent } from 'react';
import type { ManagedShow, ShowInput } from '../api.js';
import { useI18n } from '../i18n/i18n.js';
import { Field } from '../components/Field.js';
import { SubmitButton } from '../../../ui-kit/SubmitButton.js';
import { epochOfWallClock, wallClock, zoneName } from '../format.js';

export function ShowForm({
  show,
  zone,
  onSubmit,
  onClose,
}: {
  show?: ManagedShow;
  /** the venue's IANA zone: times are entered on its clock */
  zone: string;
  onSubmit: (input: ShowInput) => Promise<boolean>;
  onClose: () => void;
}) {
  const { t, locale } = useI18n();
  const localInput = (epochS: number) => wallClock(epochS, zone);
  const epochOf = (value: string) => epochOfWallClock(value, zone);
  const inAWeek = Math.ceil((Date.now() / 1000 + 7 * 86400) / 3600) * 3600;
  const [title, setTitle] = useState(show?.title ?? '');
  const [hall, setHall] = useState(show?.hall ?? '');
  const [startsAt, setStartsAt] = useState(localInput(show?.startsAt ?? inAWeek));
  const [endsAt, setEndsAt] = useState(localInput(show?.endsAt ?? inAWeek + 2 * 3600));
  const [price, setPrice] = useState(show ? (show.priceCents / 100).toFixed(2) : '');
  const [currency, setCurrency] = useState(show?.currency ?? 'CNY');
  const [rows, setRows] = useState(String(show?.rows ?? 10));
  const [seatsPerRow, setSeatsPerRow] = useState(String(show?.seatsPerRow ?? 12));
  const [saving, setSaving] = useState(false);
  const [invalid, setInvalid] = useState(false);
  const mapFixed = (show?.seatsSold ?? 0) > 0;
  // An ended show moved to end later: its tickets follow it, so those not used become valid at the gate again.
  const now = Date.now() / 1000;
  const revives = show !== undefined && show.endsAt <= now && epochOf(endsAt) > now;

  const submit = async (e: FormEvent) => {
    e.preventDefault();
    const input: ShowInput = {
      title: title.trim(),
      hall: hall.trim(),
      startsAt: epochOf(startsAt),
      endsAt: epochOf(endsAt),
      priceCents: Math.round(Number(price) * 100),
      currency,
      rows: Number(rows),
      seatsPerRow: Number(seatsPerRow),
    };
    if (!(input.endsAt > input.startsAt)) return setInvalid(true);
    setInvalid(false);
    setSaving(true);
    const done = await onSubmit(input);
    setSaving(false);
    if (done) onClose();
  };

  return (
    <form className="form form--panel" onSubmit={(e) => void submit(e)} data-testid="show-form">
      <h2>{show ? t('shows.editTitle', { title: show.title }) : t('shows.newTitle')}</h2>
      <Field label={t('shows.showTitle')}>
        <input name="title" required maxLength={200} value={title} onChange={(e) => setTitle(e.target.value)} />
      </Field>
      <Field label={t('shows.hall')}>
        <input name="hall" required maxLength={100} value={hall} onChange={(e) => setHall(e.target.value)} />
      </Field>
      <div className="form__row">
        <Field label={t('shows.startsAt')}>
          <input name="startsAt" type="datetime-local" required value={startsAt} onChange={(e) => setStartsAt(e.target.value)} />
        </Field>
        <Field label={t('shows.endsAt')}>
          <input name="endsAt" type="datetime-local" required value={endsAt} onChange={(e) => setEndsAt(e.target.value)} />
        </Field>
      </div>
      <p className="muted">{t('shows.zoneNote', { zone: zoneName(locale, zone) })}</p>
      {invalid && <p className="notice notice--error">{t('shows.endsBeforeStart')}</p>}
      {revives && (
        <p className="notice notice--warning" data-testid="show-revives">
          {t('shows.revives')}
        </p>
      )}
      <div className="form__row">
        <Field label={t('shows.price')}>
          <input name="price" type="number" required min="0" step="0.01" value={price} onChange={(e) => setPrice(e.target.value)} />
        </Field>
        <Field label={t('shows.currency')}>
          <input name="currency" required pattern="[A-Z]{3}" maxLength={3} disabled={!!show} value={currency} onChange={(e) => setCurrency(e.target.value.toUpperCase())} />
        </Field>
      </div>
      <div className="form__row">
        <Field label={t('shows.rows')}>
          <input name="rows" type="number" required min="1" max="26" disabled={mapFixed} value={rows} onChange={(e) => setRows(e.target.value)} />
        </Field>
        <Field label={t('shows.seatsPerRow')}>
          <input name="seatsPerRow" type="number" required min="1" max="99" disabled={mapFixed} value={seatsPerRow} onChange={(e) => setSeatsPerRow(e.target.value)} />
        </Field>
      </div>
      {mapFixed && <p className="muted">{t('shows.mapFixed')}</p>}
      <div className="form__actions">
        <SubmitButton className="btn btn--primary" working={saving} workingLabel={t('common.saving')}>
          {show ? t('common.save') : t('shows.create')}
        </SubmitButton>
        <button type="button" className="btn" onClick={onClose}>
          {t('common.cancel')}
        </button>
      </div>
    </form>
  );
}
