// The station screen: ready, or a full-screen verdict; the top bar with the
// OFFLINE badge; counters and recent scans; settings behind the PIN. The
// scanners that live in the page (keyboard wedge, camera) start from here.
import { useEffect, useMemo, useRef, useState } from 'react';
import type { ScreenBridge } from './bridge-client.js';
import { Conflicts, Notices, RefusedUploads } from './components/Alerts.js';
import { AnnulControl } from './components/AnnulControl.js';
import { BottomStrip } from './components/BottomStrip.js';
import { ReadyScreen } from './components/ReadyScreen.js';
import { RevokedScreen } from './components/RevokedScreen.js';
import { OfflineBadge, TopBar } from './components/TopBar.js';
import { VerdictScreen } from './components/VerdictScreen.js';
import { resolveLanguage, translator, verdictKey } from './i18n.js';
import { afterPaint, epochNow, metrics } from './metrics.js';
import { Settings } from './settings/Settings.js';
import { SetupPrompt } from './settings/SetupPrompt.js';
import { unlockAudio } from './sound.js';
import { useCamera } from './sources/camera.js';
import { useWedge } from './sources/wedge.js';
import { useAnnul } from './use-annul.js';
import { useStation } from './use-station.js';

export function App({ bridge }: { bridge: ScreenBridge }) {
  const model = useStation(bridge);
  const annul = useAnnul(bridge);
  const [settingsOpen, setSettingsOpen] = useState(false);
  const video = useRef<HTMLVideoElement | null>(null);
  const { state } = model;
  // An annulled admission leaves the screen at once: its ADMIT no longer holds.
  const verdict = model.verdict && !annul.annulled.has(model.verdict.id) ? model.verdict : null;
  const lang = resolveLanguage(state?.language ?? 'system');
  const t = useMemo(() => translator(lang), [lang]);

  // The wedge stays on under settings, so a setup QR can be scanned there.
  const { typed } = useWedge(bridge, state?.wedge);
  useCamera(bridge, state?.camera.enabled ?? false, state?.camera.deviceId ?? null, state?.holdMs ?? 2500, video);
  // Cold start ends when the first ready screen has been painted.
  const loaded = state !== null;
  useEffect(() => {
    if (loaded) afterPaint(() => (metrics.readyAt ??= epochNow()));
  }, [loaded]);

  if (!state) {
    return (
      <main className="screen screen-loading" data-screen="loading" lang={lang}>
        <p>{model.connected ? '…' : t('disconnected')}</p>
      </main>
    );
  }
  const screen = state.revoked ? 'revoked' : verdict ? verdictKey(verdict.result) : model.checking ? 'checking' : 'ready';
  return (
    <main
      className="screen"
      data-screen={screen}
      data-connectivity={state.connectivity}
      data-bundle={state.offlineBundleAt === null ? 'no' : 'yes'}
      data-journal={state.journalPending}
      lang={lang}
      onPointerDown={unlockAudio}
    >
      <TopBar state={state} t={t} onSettings={() => setSettingsOpen(true)} />
      <ReadyScreen state={state} t={t} checking={model.checking} video={video} typed={typed} />
      {/* One column: the two alerts never cover each other, nor the annul control below them. */}
      <div className="alerts">
        <Conflicts conflicts={state.conflicts} t={t} lang={lang} onDismiss={(scanId) => void bridge.invoke('conflicts:dismiss', { scanId }).catch(() => undefined)} />
        <RefusedUploads refused={state.journalRefused} t={t} onDismiss={() => void bridge.invoke('conflicts:dismiss', { scanId: null }).catch(() => undefined)} />
      </div>
      <BottomStrip state={state} t={t} lang={lang} />
      {/* keyed by scan: each verdict is a new element, so two ADMITs in a row still visibly flash */}
      {verdict && !settingsOpen && !state.revoked && <VerdictScreen key={verdict.id} verdict={verdict} t={t} lang={lang} kiosk={state.kiosk} />}
      {verdict && !settingsOpen && !state.revoked && <OfflineBadge state={state} t={t} floating />}
      {state.revoked && !settingsOpen && <RevokedScreen state={state} t={t} onSettings={() => setSettingsOpen(true)} />}
      {!settingsOpen && !state.revoked && <AnnulControl state={state} verdict={verdict} model={annul} t={t} />}
      {!model.connected && <div className="disconnected">{t('disconnected')}</div>}
      <Notices notices={model.notices} t={t} />
      {settingsOpen && <Settings bridge={bridge} state={state} lang={lang} onClose={() => setSettingsOpen(false)} />}
      {state.setupPending && <SetupPrompt bridge={bridge} state={state} lang={lang} />}
    </main>
  );
}
