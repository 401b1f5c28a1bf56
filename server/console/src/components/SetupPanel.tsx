// A station's setup: the GPS1 setup QR as an image drawn here in the browser
// (big, with the standard four-module quiet zone and error correction M, so a
// gate's webcam or scanner reads it off a monitor), the one-time code as text
// for typing, and the time left before the code expires (15 minutes).
import QRCode from 'qrcode';
import { useEffect, useRef, useState } from 'react';
import type { Enrollment } from '../api.js';
import { clock } from '../format.js';
import { useI18n } from '../i18n/i18n.js';

/** About this wide on screen: a webcam a metre away still sees each module as several pixels. */
const TARGET_CSS_PX = 380;
const QUIET_ZONE = 4;

function useQrImage(text: string): { src: string; cssPx: number } | null {
  const [image, setImage] = useState<{ src: string; cssPx: number } | null>(null);
  useEffect(() => {
    let live = true;
    const modules = QRCode.create(text, { errorCorrectionLevel: 'M' }).modules.size + 2 * QUIET_ZONE;
    // Whole screen pixels per module (no blurred edges), drawn at the screen's own resolution.
    const cssScale = Math.max(4, Math.floor(TARGET_CSS_PX / modules));
    const dpr = Math.max(1, Math.round(window.devicePixelRatio || 1));
    QRCode.toDataURL(text, { errorCorrectionLevel: 'M', margin: QUIET_ZONE, scale: cssScale * dpr, color: { dark: '#000000', light: '#ffffff' } }).then(
      (src) => live && setImage({ src, cssPx: modules * cssScale }),
      (err: unknown) => console.error(err),
    );
    return () => {
      live = false;
    };
  }, [text]);
  return image;
}

/** Seconds left until the code expires, by the server's clock (this browser's may be off), ticking each second. */
function useSecondsLeft(enrollment: Enrollment): number {
  // The Date header counts whole seconds: only a clock off by more than that is corrected for.
  const skew = enrollment.serverNowMs - enrollment.receivedAtMs;
  const deadline = enrollment.enrollmentExpiresAt * 1000 - (Math.abs(skew) > 2000 ? skew : 0);
  const [left, setLeft] = useState(() => (deadline - Date.now()) / 1000);
  useEffect(() => {
    setLeft((deadline - Date.now()) / 1000);
    const timer = setInterval(() => setLeft((deadline - Date.now()) / 1000), 1000);
    return () => clearInterval(timer);
  }, [deadline]);
  return left;
}

export function SetupPanel({ enrollment, providerName, onRenew, onClose }: { enrollment: Enrollment; providerName: string; onRenew: () => void; onClose: () => void }) {
  const { t } = useI18n();
  const image = useQrImage(enrollment.setupPayload);
  const left = useSecondsLeft(enrollment);
  const expired = left <= 0;
  const headingRef = useRef<HTMLHeadingElement>(null);
  useEffect(() => headingRef.current?.focus(), [enrollment]);
  return (
    <section className="panel setup" data-testid="setup-panel" aria-labelledby="setup-title">
      <div className="setup__qr">
        {image && !expired && (
          <img src={image.src} width={image.cssPx} height={image.cssPx} alt={t('setup.qrAlt', { gate: enrollment.gate })} data-testid="setup-qr" />
        )}
        {expired && <div className="setup__qr-expired" style={{ width: image?.cssPx, height: image?.cssPx }} />}
      </div>
      <div className="setup__text">
        <h2 id="setup-title" ref={headingRef} tabIndex={-1}>
          {t('setup.title', { gate: enrollment.gate })}
        </h2>
        <p className="muted">{t('setup.station', { stationId: enrollment.stationId, provider: providerName })}</p>
        <p>{t('setup.lead')}</p>
        <p className="field__label">{t('setup.code')}</p>
        <p className={`setup__code${expired ? ' setup__code--expired' : ''}`} data-testid="enrollment-code">
          {enrollment.enrollment}
        </p>
        {expired ? (
          <p className="notice notice--error" role="alert">
            {t('setup.expired')}
          </p>
        ) : (
          <p className="setup__expiry" data-testid="expires">
            {t('setup.expiresIn', { time: clock(left) })}
          </p>
        )}
        <div className="form__actions">
          {expired && (
            <button type="button" className="btn btn--primary" onClick={onRenew}>
              {t('setup.renew')}
            </button>
          )}
          <button type="button" className="btn" onClick={onClose}>
            {t('setup.close')}
          </button>
        </div>
      </div>
    </section>
  );
}
