// Acceptance, in headless Chromium through the web-kiosk shell, against the
// real booking and provider servers, with an LCUS relay board on a socat pair:
// the station's heartbeat reaches the server (its version, sources, relay and
// policy are in the operator's list), a rename from the admin API shows on the
// gate's screen, and after a revocation the next scan brings up the full-screen
// "Station revoked" (en and zh-CN), never ADMIT, the relay not pulsed, and the
// settings still open with the PIN to enroll again.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { SerialPort } from 'serialport';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationDetails } from '../protocol/booking-api.js';
import { closePort, openFarEnd } from '../scanner-drivers/testing/far-end.js';
import { ptyPair, socatAvailable, tempDir, type PtyPair } from '../scanner-drivers/testing/socat.js';
import { REPO_ROOT } from '../testing/processes.js';
import { backToReady, chromiumAvailable, POLL, screenshot, verdictOf, wedgeScan } from './testing/browser.js';
import { ADMIT } from './testing/verdicts.js';
import { gateOnScreen } from './testing/gate-screen.js';
import { ADMIN_TOKEN } from './testing/stack.js';
import { TEST_PIN } from './testing/station.js';

const run = chromiumAvailable() && socatAvailable();
const VERSION = (JSON.parse(readFileSync(join(REPO_ROOT, 'package.json'), 'utf8')) as { version: string }).version;
/** Long enough that a revocation made just after a heartbeat is found by the scan that follows, not by the next heartbeat. */
const HEARTBEAT_MS = 8000;

describe.runIf(run)('gate station: heartbeat, rename and revocation', () => {
  let ptys: { path: string; remove(): void };
  let relay: PtyPair;
  let board: SerialPort;
  let stationId: string;
  const relayBytes: number[] = [];

  const listed = async (): Promise<StationDetails | undefined> => {
    const res = await gate.stack.api<{ stations: StationDetails[] }>('GET', `/api/v1/admin/stations?providerId=${gate.stack.providerId}`, undefined, ADMIN_TOKEN);
    return res.body.stations.find((s) => s.stationId === stationId);
  };

  // The relay's cable first and unplugged last: the gate's own hooks run inside these.
  beforeAll(async () => {
    ptys = tempDir('gp-heartbeat-pty-');
    relay = await ptyPair(ptys.path, { device: 'relay', far: 'relay-far' });
    board = await openFarEnd(relay.far, 9600);
    board.on('data', (chunk: Buffer) => relayBytes.push(...chunk));
  });

  afterAll(async () => {
    await Promise.allSettled([board && closePort(board)]);
    await relay?.kill();
    ptys?.remove();
  });

  const gate = gateOnScreen({
    // Bought up front: the revocation test must scan right after it revokes.
    tickets: 3,
    config: async (stack) => {
      const config = await stack.enrolledConfig('Gate 7');
      stationId = (config.enrollment as { stationId: string }).stationId;
      return {
        ...config,
        relay: { kind: 'lcus', path: relay.device, channel: 1, baudRate: 9600, pulseMs: 100 },
        holdMs: 1000,
        offlinePolicy: 'signed',
        // Tolerant of a loaded test machine's key timing: a split burst would be a bad ticket, not what is tested here.
        sources: { wedge: { enabled: true, maxAvgGapMs: 100, minLength: 6 }, serial: [], hid: [], camera: { enabled: false, deviceId: null } },
      };
    },
    launch: { env: { GATEPOST_STATION_HEARTBEAT_MS: String(HEARTBEAT_MS) } },
  });

  it('reports itself to the server: online, its version, scanner, relay and offline policy', async () => {
    await expect.poll(async () => (await listed())?.online, { timeout: 20_000, interval: 100 }).toBe(true);
    // The keyboard wedge is reported once the screen has said how it is.
    await expect.poll(async () => (await listed())?.sources.map((s) => s.kind), { timeout: 3 * HEARTBEAT_MS, interval: 100 }).toContain('wedge');
    const me = (await listed())!;
    expect(me).toMatchObject({ gate: 'Gate 7', version: VERSION, relay: { kind: 'lcus', state: 'ok' }, offlinePolicy: 'signed', journalBacklog: 0, revoked: false });
    expect(me.sources.find((s) => s.kind === 'wedge')?.state).toBe('ok');
  });

  it('admits a ticket and pulses the relay while enrolled', async () => {
    await wedgeScan(gate.page, gate.tickets[0]!.payload);
    expect(await verdictOf(gate.page)).toEqual(ADMIT);
    await expect.poll(() => relayBytes.length, POLL).toBe(8);
    await backToReady(gate.page);
  });

  it('shows the new gate name once venue IT renames it', async () => {
    const renamed = await gate.stack.api<StationDetails>('PATCH', `/api/v1/admin/stations/${stationId}`, { gate: 'Gate 7 North' }, ADMIN_TOKEN);
    expect(renamed.status).toBe(200);
    await expect.poll(() => gate.page.getByTestId('gate-name').textContent(), { timeout: 3 * HEARTBEAT_MS, interval: 50 }).toBe('Gate 7 North');
    expect((JSON.parse(readFileSync(gate.station.configFile, 'utf8')) as { gate: string }).gate).toBe('Gate 7 North');
  });

  it('after a revocation, its next scan shows "Station revoked", never ADMIT, and the relay stays shut', async () => {
    // Just after the heartbeat that carried the rename: the scan, not the next heartbeat, finds out.
    const revoked = await gate.stack.api('DELETE', `/api/v1/admin/stations/${stationId}`, undefined, ADMIN_TOKEN);
    expect(revoked.status).toBe(204);
    await wedgeScan(gate.page, gate.tickets[1]!.payload, 1);
    await gate.page.getByTestId('revoked').waitFor();
    await expect.poll(() => gate.station.output.some((l) => l.includes('station_revoked') && l.includes('the server refused the scan request')), POLL).toBe(true);
    await expect.poll(() => gate.station.output.some((l) => l.includes('"msg":"scan"') && l.includes('"verdict":"rejected"')), POLL).toBe(true);
    expect(await gate.page.getByTestId('revoked-title').textContent()).toBe('Station revoked');
    expect(await gate.page.locator('[data-testid="verdict"]').count()).toBe(0);
    expect(relayBytes).toHaveLength(8);
    expect((await listed())?.revoked).toBe(true);

    // Another ticket: still no ADMIT and no pulse; the station no longer asks the server.
    await wedgeScan(gate.page, gate.tickets[2]!.payload, 1);
    await expect.poll(() => gate.station.output.filter((l) => l.includes('"msg":"scan"') && l.includes('station revoked')).length, POLL).toBe(1);
    expect(await gate.page.locator('[data-testid="verdict"][data-kind="admit"]').count()).toBe(0);
    expect(relayBytes).toHaveLength(8);
    await screenshot(gate.page, 'revoked');
  });

  it('says it in Chinese on a zh-CN screen', async () => {
    const zh = await gate.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'zh-CN' });
    await zh.goto(gate.station.url);
    await zh.getByTestId('revoked').waitFor();
    expect(await zh.getByTestId('revoked-title').textContent()).toBe('验票机已停用');
    await screenshot(zh, 'revoked-zh');
    await zh.close();
  });

  it('keeps the settings reachable with the PIN, to enroll the gate again', async () => {
    await gate.page.getByTestId('revoked-settings').click();
    await gate.page.getByTestId('pin-input').fill(TEST_PIN);
    await gate.page.getByTestId('pin-input').press('Enter');
    await gate.page.getByTestId('enroll-code').waitFor();
    await gate.page.getByTestId('settings-close').click();
    await gate.page.getByTestId('revoked').waitFor();
  });

  it('stays revoked after a restart, before the server is asked', async () => {
    await gate.station.restart();
    gate.page = await gate.browser.newPage({ viewport: { width: 1280, height: 800 }, locale: 'en-US' });
    await gate.page.goto(gate.station.url);
    await gate.page.getByTestId('revoked').waitFor();
  });
});
