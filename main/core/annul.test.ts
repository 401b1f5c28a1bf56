// The station's side of an annulment (annul.ts): only a recent admission of
// this station, never in kiosk mode, and a successful one lets the code be
// read again at once.
import { describe, expect, it } from 'vitest';
import { ANNUL_WINDOW_MS, type Notice } from '../bridge/contract.js';
import { createLogger } from '../log.js';
import { Annulments } from './annul.js';
import { Deduper } from './dedupe.js';

function setup(answer: { ok: true } | { ok: false; error: string; message: string } = { ok: true }) {
  const calls: string[] = [];
  const notices: Notice[] = [];
  const deduper = new Deduper();
  let kiosk = false;
  const annulments = new Annulments({
    verifier: { annul: async (scanId) => (calls.push(scanId), answer.ok ? { ok: true, annulledAt: 1 } : answer) },
    deduper,
    log: createLogger('silent'),
    kiosk: () => kiosk,
    notice: (n) => notices.push(n),
    changed: () => undefined,
  });
  return { annulments, calls, notices, deduper, setKiosk: (k: boolean) => (kiosk = k) };
}

describe('annulling at the station', () => {
  it('annuls a recent admission once, and the code can be read again within the hold window', async () => {
    const { annulments, calls, notices, deduper } = setup();
    const now = Date.now();
    expect(deduper.accept('code-1', now, 60_000)).toBe(true);
    expect(deduper.accept('code-1', now + 10, 60_000)).toBe(false);
    annulments.admitted('v1', { scanId: 'scan-1', code: 'code-1', key: 'code-1', seat: 'A1' }, now);
    expect(await annulments.annul('v1', now + 5000)).toEqual({ ok: true, offline: false });
    expect(calls).toEqual(['scan-1']);
    expect(notices).toEqual([{ level: 'info', key: 'annulled', params: { seat: 'A1' } }]);
    expect(deduper.accept('code-1', now + 5001, 60_000)).toBe(true);
    // Once is enough: it is no longer a recent admission.
    expect(await annulments.annul('v1', now + 6000)).toMatchObject({ ok: false, error: 'unknown_scan' });
  });

  it('refuses past the window, in kiosk mode, and says why the server refused', async () => {
    const late = setup();
    late.annulments.admitted('v1', { scanId: 's', code: 'c', key: 'c', seat: undefined }, 0);
    expect(await late.annulments.annul('v1', ANNUL_WINDOW_MS)).toMatchObject({ ok: false, error: 'unknown_scan' });
    expect(late.calls).toEqual([]);

    const kiosk = setup();
    kiosk.setKiosk(true);
    kiosk.annulments.admitted('v1', { scanId: 's', code: 'c', key: 'c', seat: undefined }, 0);
    expect(await kiosk.annulments.annul('v1', 1000)).toMatchObject({ ok: false, error: 'kiosk' });
    expect(kiosk.calls).toEqual([]);

    const refused = setup({ ok: false, error: 'annul_window_passed', message: 'too late' });
    refused.annulments.admitted('v1', { scanId: 's', code: 'c', key: 'c', seat: undefined }, 0);
    refused.deduper.accept('c', 0, 60_000);
    expect(await refused.annulments.annul('v1', 1000)).toMatchObject({ ok: false, error: 'annul_window_passed' });
    expect(refused.notices).toEqual([{ level: 'error', key: 'annul_failed', params: { reason: 'annul_window_passed' } }]);
    // Still a repeat read: nothing was undone.
    expect(refused.deduper.accept('c', 1001, 60_000)).toBe(false);
  });
});
