// Acceptance: annulling an admission whose holder did not pass (the turnstile
// did not turn). A real station admits a ticket; the attendant taps the annul
// control on the ADMIT screen (twice: it asks to confirm); the same ticket
// scanned again is ADMIT again, and the provider holds one annulment and two
// admissions. An offline admission annulled at the gate leaves the journal.
import Database from 'better-sqlite3';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { decodeGp1 } from '../protocol/gp1.js';
import { backToReady, chromiumAvailable, POLL, screenshot, verdictOf, wedgeScan } from './testing/browser.js';
import { ADMIT } from './testing/verdicts.js';
import { gateOnScreen } from './testing/gate-screen.js';

const run = chromiumAvailable();
const SLOW = { timeout: 30_000, interval: 100 };

describe.runIf(run)('gate station: annulling an admission', () => {
  const gate = gateOnScreen({ tickets: 2, enrollAt: 'Annul Gate', config: { offlinePolicy: 'signed', holdMs: 6000 }, bundle: true });

  /** What the provider's own database says of a ticket: its admissions and annulments. */
  const providerRecord = (payload: string) => {
    const code = (decodeGp1(payload) as { body: { code: string } }).body.code;
    const db = new Database(join(gate.stack.dir, 'provider', 'provider.sqlite'), { readonly: true, fileMustExist: true });
    try {
      const verdicts = db.prepare('select verdict from scans where code = ?').all(code) as { verdict: string }[];
      const annulments = db.prepare('select count(*) as n from annulments where code = ?').get(code) as { n: number };
      return { admissions: verdicts.filter((v) => JSON.parse(v.verdict).result === 'admitted').length, annulments: annulments.n };
    } finally {
      db.close();
    }
  };
  const annulTwice = async () => {
    const control = gate.page.getByTestId('annul');
    await control.click();
    await expect.poll(() => control.getAttribute('data-armed'), POLL).toBe('yes');
    await control.click();
    await gate.page.locator('[data-testid="notice"][data-key="annulled"]').waitFor();
  };

  it('the attendant annuls an ADMIT: the same ticket is ADMIT again, and the provider records one annulment and two admissions', async () => {
    const ticket = gate.tickets[0]!;
    await wedgeScan(gate.page, ticket.payload);
    expect(await verdictOf(gate.page)).toEqual(ADMIT);
    await gate.page.getByTestId('annul').waitFor();
    expect(await gate.page.getByTestId('annul').textContent()).toContain('Annul admission');
    await screenshot(gate.page, 'annul-admit');
    await annulTwice();
    // Its ADMIT leaves the screen at once, and the notice says so.
    await gate.page.locator('[data-testid="verdict"]').waitFor({ state: 'detached' });
    expect(await gate.page.locator('[data-testid="notice"][data-key="annulled"]').textContent()).toBe('Admission annulled: the ticket can be scanned again');
    await screenshot(gate.page, 'annul-done');

    // Within the hold time: not a repeat read any more, and the server admits it again.
    await wedgeScan(gate.page, ticket.payload);
    expect(await verdictOf(gate.page)).toEqual(ADMIT);
    expect(providerRecord(ticket.payload)).toEqual({ admissions: 2, annulments: 1 });
    await backToReady(gate.page);
    // …and now it is used: a third scan is a DENY.
    await wedgeScan(gate.page, ticket.payload);
    expect(await verdictOf(gate.page)).toMatchObject({ kind: 'deny', reason: 'already_redeemed' });
    await backToReady(gate.page);
  }, 90_000);

  it('offers "annul last admission" on the ready screen after ADMIT, and drops an offline admission from the journal', async () => {
    const ticket = gate.tickets[1]!;
    await gate.stack.stopProvider();
    await wedgeScan(gate.page, ticket.payload);
    expect(await verdictOf(gate.page)).toEqual(ADMIT);
    expect(await gate.page.getByTestId('verdict').getAttribute('data-offline')).toBe('yes');
    await backToReady(gate.page);
    await expect.poll(() => gate.page.locator('main').getAttribute('data-journal'), POLL).toBe('1');
    const control = gate.page.getByTestId('annul');
    expect(await control.textContent()).toContain('Annul last admission');
    await screenshot(gate.page, 'annul-ready');
    await annulTwice();
    await expect.poll(() => gate.page.locator('main').getAttribute('data-journal'), POLL).toBe('0');
    await expect.poll(() => control.count(), POLL).toBe(0);

    // Forgotten here too: still offline, the signed ticket admits again (and is journaled again).
    await wedgeScan(gate.page, ticket.payload);
    expect(await verdictOf(gate.page)).toEqual(ADMIT);
    await backToReady(gate.page);
    await expect.poll(() => gate.page.locator('main').getAttribute('data-journal'), POLL).toBe('1');
    await gate.stack.startProvider();
    await expect.poll(() => gate.page.locator('main').getAttribute('data-journal'), SLOW).toBe('0');
    // The provider got the one admission that stood, and no annulment: it never knew of the other.
    expect(providerRecord(ticket.payload)).toEqual({ admissions: 1, annulments: 0 });
  }, 120_000);
});
