// A venue's time zone: an IANA name typed or picked from the zones this
// browser knows, empty for the booking server's own. The hint shows the time
// now in the zone typed, so venue IT sees at a glance whether it is theirs.
import { useEffect, useState } from 'react';
import { knownZone, venueTime } from '../format.js';
import { useI18n } from '../i18n/i18n.js';
import { Field } from './Field.js';

const ZONES: readonly string[] = typeof Intl.supportedValuesOf === 'function' ? Intl.supportedValuesOf('timeZone') : [];

/** The current epoch second, advancing each minute so "now" stays true while the form is open. */
function useMinute(): number {
  const [now, setNow] = useState(() => Date.now() / 1000);
  useEffect(() => {
    const timer = setInterval(() => setNow(Date.now() / 1000), 60_000);
    return () => clearInterval(timer);
  }, []);
  return now;
}

export function TimeZoneField({
  value,
  onChange,
  serverZone,
  error,
}: {
  value: string;
  onChange(value: string): void;
  /** the zone the booking server uses when none is set, when known */
  serverZone?: string;
  /** the server's refusal of the value, in words */
  error?: string | null;
}) {
  const { t, locale } = useI18n();
  const now = useMinute();
  const zone = value.trim();
  let hint: string;
  if (!zone) hint = serverZone ? t('provider.zoneServerAt', { zone: serverZone, time: venueTime(locale, now, serverZone) }) : t('provider.zoneServer');
  else if (knownZone(zone)) hint = t('provider.zoneNow', { time: venueTime(locale, now, zone) });
  else hint = t('provider.zoneUnknown');
  return (
    <Field label={t('provider.zone')} hint={hint} error={error}>
      <input
        list="time-zones"
        spellCheck={false}
        autoComplete="off"
        maxLength={64}
        placeholder={t('provider.zonePlaceholder')}
        aria-invalid={error ? true : undefined}
        value={value}
        onChange={(e) => onChange(e.target.value)}
        data-testid="time-zone"
      />
      <datalist id="time-zones">
        {ZONES.map((z) => (
          <option key={z} value={z} />
        ))}
      </datalist>
    </Field>
  );
}
