// The screen between scans: READY in large type, what to do, and the camera
// preview when a camera is scanning, so the holder can aim the ticket.
import type { RefObject } from 'react';
import type { StationState } from '../../../main/bridge/contract.js';
import type { Translate } from '../i18n.js';

export function ReadyScreen({
  state,
  t,
  checking,
  video,
  typed,
}: {
  state: StationState;
  t: Translate;
  checking: boolean;
  video: RefObject<HTMLVideoElement | null>;
  typed: string;
}) {
  return (
    <section className="ready" data-testid="ready" data-checking={checking ? 'yes' : 'no'}>
      <div className="ready-main">
        {!state.enrolled && (
          <p className="banner banner-warn" data-testid="not-enrolled">
            {t('notEnrolled')}
          </p>
        )}
        {state.serverRefused && (
          <p className="banner banner-warn" data-testid="server-refused">
            {t('serverRefused')}
          </p>
        )}
        {state.stationRefusal && (
          <p className="banner banner-warn" data-testid="station-refusal">
            {t('stationRefusal', { message: state.stationRefusal.message })}
          </p>
        )}
        <div className="ready-word">{checking ? t('checking') : t('ready')}</div>
        <div className="ready-hint">{t('readyHint')}</div>
        <svg className="ready-icon" viewBox="0 0 64 64" aria-hidden="true">
          <path d="M6 20V6h14M44 6h14v14M58 44v14H44M20 58H6V44" fill="none" stroke="currentColor" strokeWidth="5" strokeLinecap="round" />
          <rect x="18" y="30" width="28" height="4" rx="2" fill="currentColor" />
        </svg>
        {typed && (
          <div className="typed" data-testid="typed-code">
            <span className="typed-label">{t('typedCode')}</span>
            <span className="typed-text">{typed}</span>
            <span className="typed-hint">{t('typedHint')}</span>
          </div>
        )}
      </div>
      {state.camera.enabled && (
        <div className="camera">
          <video ref={video} className="camera-video" data-testid="camera-preview" muted playsInline />
        </div>
      )}
    </section>
  );
}
