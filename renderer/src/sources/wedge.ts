// The keyboard wedge runs in the page, where the keys arrive: every keydown goes
// to the driver's burst detector, and a burst becomes a scan sent to the core.
// Keys a person types on the gate screen (a bare code read off a printout) are
// collected into a typed code: Enter checks it, Backspace edits, Escape clears.
// While a text field has focus (settings), keys are left alone for typing.
import { useEffect, useState } from 'react';
import type { KeyEvent } from '../../../scanner-drivers/wedge/detector.js';
import { KeyboardWedgeSource } from '../../../scanner-drivers/wedge/source.js';
import type { WedgeSettingsView } from '../../../main/bridge/contract.js';
import type { ScreenBridge } from '../bridge-client.js';
import { rejoin } from './rejoin.js';

/**
 * A busy PC (or a Bluetooth gun) can stall key delivery for a few hundred ms in
 * the middle of a code. Nobody types on the gate screen at machine speed, so the
 * wedge here tolerates such a stall instead of cutting the code in two.
 */
const STALL_MS = 400;
/** Typed codes longer than this are not codes. */
const MAX_TYPED = 64;

function typingTarget(el: EventTarget | null): boolean {
  if (!(el instanceof HTMLElement)) return false;
  return el.isContentEditable || el instanceof HTMLInputElement || el instanceof HTMLTextAreaElement || el instanceof HTMLSelectElement;
}

export function useWedge(bridge: ScreenBridge, settings: WedgeSettingsView | undefined): { typed: string } {
  const enabled = settings?.enabled ?? false;
  const maxAvgGapMs = settings?.maxAvgGapMs;
  const minLength = settings?.minLength;
  const [typed, setTyped] = useState('');

  useEffect(() => {
    if (!enabled) return;
    let buffer = '';
    let lastTyped = 0;
    const update = (next: string) => {
      buffer = next.slice(0, MAX_TYPED);
      setTyped(buffer);
    };
    const submit = (text: string, source: 'wedge' | 'keyboard', symbology = 'unknown') =>
      void bridge.invoke('scan:submit', { text, symbology, source }).catch(() => undefined);
    const wedge = new KeyboardWedgeSource({
      name: 'wedge',
      maxGapMs: STALL_MS,
      idleTimeoutMs: STALL_MS,
      ...(maxAvgGapMs ? { maxAvgGapMs } : {}),
      ...(minLength ? { minLength } : {}),
    });
    wedge.on('scan', (scan) => {
      const recent = performance.now() - lastTyped < 2 * STALL_MS;
      const joined = recent ? rejoin(buffer, scan.text) : { text: scan.text, typed: buffer };
      update(joined.typed);
      submit(joined.text, 'wedge', scan.symbology);
    });
    wedge.on('keys', (keys: KeyEvent[]) => {
      for (const k of keys) {
        if (k.key === 'Enter') {
          if (buffer.trim()) submit(buffer.trim(), 'keyboard');
          update('');
        } else if (k.key === 'Escape') update('');
        else if (k.key === 'Backspace') update(buffer.slice(0, -1));
        else if (k.key.length === 1) {
          update(buffer + k.key);
          lastTyped = performance.now();
        }
      }
    });
    wedge.on('status', (s) => void bridge.invoke('source:status', { name: 'wedge', kind: 'wedge', state: s.state, detail: s.detail }).catch(() => undefined));
    void wedge.start();
    const onKey = (e: KeyboardEvent) => {
      if (typingTarget(e.target) || e.ctrlKey || e.metaKey || e.altKey) return;
      // Nothing on the gate screen takes typing: keys must not press a focused button.
      if (e.key.length === 1 || e.key === 'Enter' || e.key === 'Tab') e.preventDefault();
      wedge.feed({ key: e.key, time: e.timeStamp });
    };
    window.addEventListener('keydown', onKey, true);
    return () => {
      window.removeEventListener('keydown', onKey, true);
      void wedge.stop();
      setTyped('');
    };
  }, [bridge, enabled, maxAvgGapMs, minLength]);

  return { typed };
}
