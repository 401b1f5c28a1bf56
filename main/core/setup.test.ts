// What a scanned GPS1: setup QR may do, the whole matrix: enrolled or not × a
// settings PIN set or not × settings open on a screen or not. A stranger's QR
// names a second server (a stand-in for the booking server's enroll route, as
// in station.test.ts; the acceptance test runs two real booking servers): it
// must never be reached unless someone holding the PIN said so. Also: a first
// enrollment needs a PIN, plain http to another machine is refused, and the
// PIN back-off survives a restart of the core.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Writable } from 'node:stream';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeSetupPayload } from '../../protocol/booking-api.js';
import { NoRelay } from '../../scanner-drivers/relays/other-relays.js';
import type { Relay } from '../../scanner-drivers/types.js';
import { startFakeBooking, type FakeBooking } from '../../server-client/testing/fake-booking.js';
import type { EventChannel, Notice } from '../bridge/contract.js';
import { hashPin } from '../config/pin.js';
import type { BridgeSession } from './session.js';
import { StationCore } from './station.js';

const CODE = 'ABCDEFGHJKMNPQRSTVWXYZ012345';
const PIN = '2468';

class CountingRelay extends NoRelay {
  pulses = 0;
  override pulse(): Promise<void> {
    this.pulses++;
    return Promise.resolve();
  }
}

let home: FakeBooking;
let stranger: FakeBooking;
let dir: string;
let core: StationCore;
let relay: CountingRelay;
let logLines: string[];
const events: { event: EventChannel; payload: unknown }[] = [];

function startCore(): StationCore {
  relay = new CountingRelay();
  const sink = new Writable({ write: (chunk, _enc, done) => (logLines.push(String(chunk)), done()) });
  core = new StationCore({ configFile: join(dir, 'config.json'), log: pino({ level: 'info' }, sink), hardware: { relay: () => relay as Relay } });
  return core;
}

async function station(o: { enrolled: boolean; pin: boolean; config?: object }): Promise<BridgeSession> {
  const enrolled = o.enrolled ? { serverUrl: home.url, providerId: 'prv_home', gate: 'Home Gate', enrollment: { stationId: 's_home', token: 'st_home' } } : {};
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ ...enrolled, pinHash: o.pin ? await hashPin(PIN) : null, relay: { kind: 'lcus', path: '/dev/null-relay', channel: 1, baudRate: 9600, pulseMs: 100 }, ...o.config }));
  await startCore().start();
  return core.connect({ send: (event, payload) => events.push({ event, payload }) });
}

const notices = () => events.filter((e) => e.event === 'notice').map((e) => (e.payload as Notice).key);
const strangerQr = () => encodeSetupPayload(stranger.url, CODE);
const enrollCalls = (f: FakeBooking) => f.seen.filter((r) => r.path === '/api/v1/station/enroll').length;
const scanCalls = (f: FakeBooking) => f.seen.filter((r) => r.path === '/api/v1/station/scan').length;

beforeEach(async () => {
  [home, stranger] = await Promise.all([startFakeBooking('st_home'), startFakeBooking('st_stranger')]);
  dir = mkdtempSync(join(tmpdir(), 'gp-setup-'));
  events.length = 0;
  logLines = [];
});
afterEach(async () => {
  await core.close();
  await Promise.all([home.close(), stranger.close()]);
  rmSync(dir, { recursive: true, force: true });
});

describe('a scanned setup QR', () => {
  describe.each([
    { enrolled: true, pin: true, open: true, outcome: 'enroll' },
    { enrolled: true, pin: true, open: false, outcome: 'ignore' },
    { enrolled: true, pin: false, open: true, outcome: 'ignore' },
    { enrolled: true, pin: false, open: false, outcome: 'ignore' },
    { enrolled: false, pin: true, open: true, outcome: 'enroll' },
    { enrolled: false, pin: true, open: false, outcome: 'ask_pin' },
    { enrolled: false, pin: false, open: true, outcome: 'ask_pin' },
    { enrolled: false, pin: false, open: false, outcome: 'ask_pin' },
  ] as const)('enrolled $enrolled, PIN set $pin, settings open $open', ({ enrolled, pin, open, outcome }) => {
    it(`→ ${outcome}`, async () => {
      const session = await station({ enrolled, pin });
      // Without a PIN, settings open without one: that must not count as knowing a PIN.
      if (open) expect(await session.invoke('settings:unlock', { pin: pin ? PIN : '' })).toMatchObject({ ok: true });
      expect(await core.submit({ text: strangerQr(), source: 'wedge' }, 'wedge')).toBeNull();
      // Never a ticket, never the gate.
      expect(scanCalls(home) + scanCalls(stranger)).toBe(0);
      expect(relay.pulses).toBe(0);
      expect(events.some((e) => e.event === 'verdict')).toBe(false);
      if (outcome === 'enroll') {
        expect(core.state()).toMatchObject({ enrolled: true, serverUrl: stranger.url, setupPending: null });
        expect(notices()).toContain('enrolled');
      } else if (outcome === 'ignore') {
        expect(enrollCalls(stranger)).toBe(0);
        expect(core.config.current).toMatchObject({ serverUrl: home.url, providerId: 'prv_home', enrollment: { token: 'st_home' } });
        expect(notices()).toEqual(['setup_ignored']);
        expect(logLines.join('')).toMatch(/setup QR was scanned on an enrolled station.*ignored/);
      } else {
        // Held for the PIN: the one-time code is not spent yet.
        expect(enrollCalls(stranger)).toBe(0);
        expect(core.state()).toMatchObject({ enrolled: false, setupPending: { serverUrl: stranger.url } });
      }
    });
  });

  it('with keys or a symbology prefix in front is still a setup QR, never a ticket', async () => {
    await station({ enrolled: true, pin: false });
    for (const text of [`x7${strangerQr()}`, `]Q1${strangerQr()}`, ` ${strangerQr().toLowerCase()}`]) expect(await core.submit({ text, source: 'wedge' }, 'wedge'), text).toBeNull();
    // One QR read three ways within the hold time: one notice.
    expect(notices()).toEqual(['setup_ignored']);
    expect(scanCalls(home) + scanCalls(stranger) + enrollCalls(stranger)).toBe(0);
    expect(relay.pulses).toBe(0);
  });

  it('held on a station with a PIN: a wrong PIN spends nothing, the right one enrolls', async () => {
    const session = await station({ enrolled: false, pin: true });
    await core.submit({ text: strangerQr(), source: 'wedge' }, 'wedge');
    expect(await session.invoke('setup:confirm', { pin: '1111' })).toMatchObject({ ok: false, field: 'pin', message: 'wrong PIN' });
    expect(enrollCalls(stranger)).toBe(0);
    expect(await session.invoke('setup:confirm', { pin: PIN })).toEqual({ ok: true });
    expect(core.state()).toMatchObject({ enrolled: true, gate: 'Gate T', setupPending: null });
    expect(enrollCalls(stranger)).toBe(1);
  });

  it('held on a station without a PIN: the PIN is chosen first, then the code is spent', async () => {
    const session = await station({ enrolled: false, pin: false });
    await core.submit({ text: strangerQr(), source: 'camera' }, 'camera');
    expect(await session.invoke('setup:confirm', { pin: '12' })).toMatchObject({ ok: false, field: 'pin' });
    expect(enrollCalls(stranger)).toBe(0);
    expect(await session.invoke('setup:confirm', { pin: '4321' })).toEqual({ ok: true });
    expect(core.state()).toMatchObject({ enrolled: true, pinSet: true, setupPending: null });
    // The PIN chosen now guards the next setup QR.
    await session.invoke('settings:lock', undefined);
    events.length = 0;
    await core.submit({ text: encodeSetupPayload(home.url, CODE), source: 'wedge' }, 'wedge');
    expect(notices()).toEqual(['setup_ignored']);
    expect(core.config.current.serverUrl).toBe(stranger.url);
  });

  it('can be cancelled on the screen', async () => {
    const session = await station({ enrolled: false, pin: false });
    await core.submit({ text: strangerQr(), source: 'wedge' }, 'wedge');
    await session.invoke('setup:cancel', undefined);
    expect(core.state().setupPending).toBeNull();
    expect(await session.invoke('setup:confirm', { pin: '4321' })).toMatchObject({ ok: false, field: 'code' });
    expect(core.state().pinSet).toBe(false);
  });

  it('a PIN set on another screen closes the settings opened without one', async () => {
    const first = await station({ enrolled: true, pin: false });
    const second = core.connect({ send: () => undefined });
    await first.invoke('settings:unlock', { pin: '' });
    await second.invoke('settings:unlock', { pin: '' });
    expect(await second.invoke('settings:set-pin', { pin: '9753' })).toMatchObject({ ok: true });
    expect(first.unlocked).toBe(false);
    expect(second.unlocked).toBe(true);
  });
});

describe('first enrollment by typing', () => {
  it('is refused without a PIN chosen, and done with one', async () => {
    const session = await station({ enrolled: false, pin: false });
    expect(await session.invoke('settings:unlock', { pin: '' })).toMatchObject({ ok: true });
    expect(await session.invoke('settings:enroll', { code: CODE, serverUrl: home.url })).toMatchObject({ ok: false, errors: [{ field: 'pin' }] });
    expect(enrollCalls(home)).toBe(0);
    expect(await session.invoke('settings:enroll', { code: CODE, serverUrl: home.url, pin: '5' })).toMatchObject({ ok: false, errors: [{ field: 'pin' }] });
    expect(await session.invoke('settings:enroll', { code: CODE, serverUrl: home.url, pin: '8642' })).toMatchObject({ ok: true, settings: { enrolled: true, pinSet: true } });
  });
});

describe('plain http', () => {
  it('is refused to another machine unless allowed, and fine to loopback', async () => {
    const session = await station({ enrolled: false, pin: true });
    await session.invoke('settings:unlock', { pin: PIN });
    expect(await session.invoke('settings:save', { serverUrl: 'http://tickets.example.com' })).toMatchObject({ ok: false, errors: [{ field: 'serverUrl', message: expect.stringMatching(/https/) }] });
    for (const url of ['http://127.0.0.1:7700', 'http://127.9.8.7', 'http://localhost:8080', 'http://[::1]:7700', 'https://tickets.example.com'])
      expect(await session.invoke('settings:save', { serverUrl: url }), url).toMatchObject({ ok: true });
    expect(await session.invoke('settings:save', { serverUrl: 'http://10.0.0.5', allowInsecureHttp: true })).toMatchObject({ ok: true, settings: { allowInsecureHttp: true } });
    expect(logLines.join('')).toMatch(/allowInsecureHttp: the station token and tickets travel unencrypted/);
  });

  it('in a typed enrollment, is refused before the code is spent', async () => {
    const session = await station({ enrolled: false, pin: true });
    await session.invoke('settings:unlock', { pin: PIN });
    expect(await session.invoke('settings:enroll', { code: CODE, serverUrl: 'http://192.0.2.10:7700' })).toMatchObject({ ok: false, errors: [{ field: 'serverUrl' }] });
  });

  it('in a setup QR, is refused with a notice, and nothing is held', async () => {
    await station({ enrolled: false, pin: false });
    await core.submit({ text: encodeSetupPayload('http://192.0.2.10:7700', CODE), source: 'wedge' }, 'wedge');
    expect(notices()).toEqual(['setup_insecure']);
    expect(core.state().setupPending).toBeNull();
    expect(logLines.join('')).toMatch(/plain-http server on another machine: refused/);
  });

  it('in a config file written by hand: the file is kept, the server is not used', async () => {
    await station({ enrolled: true, pin: true, config: { serverUrl: 'http://192.0.2.10:7700' } });
    expect(core.state()).toMatchObject({ enrolled: true, serverRefused: 'insecure_http' });
    expect(await core.submit({ text: 'GP1-not-sent-anywhere', source: 'wedge' }, 'wedge')).toMatchObject({ result: 'rejected' });
    expect(relay.pulses).toBe(0);
    expect(logLines.join('')).toMatch(/refusing the server: plain http/);
  });
});

describe('the PIN back-off', () => {
  it('survives a restart of the core', async () => {
    let session = await station({ enrolled: true, pin: true });
    for (let i = 0; i < 4; i++) expect(await session.invoke('settings:unlock', { pin: '0000' })).toEqual({ ok: false, message: 'wrong PIN' });
    expect(await session.invoke('settings:unlock', { pin: '0000' })).toMatchObject({ ok: false, retryAfterMs: expect.any(Number) });
    await core.close();
    await startCore().start();
    session = core.connect({ send: () => undefined });
    const after = await session.invoke('settings:unlock', { pin: PIN });
    expect(after).toMatchObject({ ok: false, message: 'too many wrong PINs' });
    expect((after as { retryAfterMs: number }).retryAfterMs).toBeGreaterThan(20_000);
  });

  it('counts tries sent all at once before any is checked', async () => {
    const session = await station({ enrolled: true, pin: true });
    const results = await Promise.all(Array.from({ length: 40 }, () => session.invoke('settings:unlock', { pin: '0000' })));
    // Five get checked; the rest wait without costing a scrypt each.
    expect(results.filter((r) => (r as { message: string }).message === 'too many wrong PINs')).toHaveLength(35);
  });
});
