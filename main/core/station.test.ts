// The station core on its own (no screen): config refusal, PIN gate, dedupe,
// the relay pulse that never holds up a verdict, setup-QR enrollment rules and
// persisted counters. The server is the unit-test stand-in here; the acceptance
// tests run the real booking and provider servers.
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { encodeSetupPayload } from '../../protocol/booking-api.js';
import { NoRelay } from '../../scanner-drivers/relays/other-relays.js';
import type { Relay } from '../../scanner-drivers/types.js';
import { startFakeBooking, type FakeBooking } from '../../server-client/testing/fake-booking.js';
import { platformKey, ticket } from '../../server-client/testing/tickets.js';
import type { EventChannel, Notice, VerdictView } from '../bridge/contract.js';
import { hashPin } from '../config/pin.js';
import { StationCore } from './station.js';

const ENROLL = 'ABCDEFGHJKMNPQRSTVWXYZ012345';
const key = platformKey(1);

/** A relay whose pulse never finishes: a verdict must not wait for it. */
class StuckRelay extends NoRelay {
  pulses = 0;
  override pulse(): Promise<void> {
    this.pulses++;
    return new Promise(() => undefined);
  }
}

let fake: FakeBooking;
let dir: string;
let core: StationCore;
let relay: StuckRelay;
const events: { event: EventChannel; payload: unknown }[] = [];

async function open(config: object = {}) {
  writeFileSync(join(dir, 'config.json'), JSON.stringify({ serverUrl: fake.url, providerId: 'prv_test', gate: 'Gate T', enrollment: { stationId: 's_1', token: 'st_test' }, ...config }));
  relay = new StuckRelay();
  core = new StationCore({
    configFile: join(dir, 'config.json'),
    log: pino({ level: 'silent' }),
    hardware: { relay: () => relay as Relay },
  });
  await core.start();
  return core.connect({ send: (event, payload) => events.push({ event, payload }) });
}

beforeEach(async () => {
  fake = await startFakeBooking();
  dir = mkdtempSync(join(tmpdir(), 'gp-core-'));
  events.length = 0;
});
afterEach(async () => {
  await core.close();
  await fake.close();
  rmSync(dir, { recursive: true, force: true });
});

describe('StationCore', () => {
  it('admits, pulses the relay without waiting for it, and counts once within the hold window', async () => {
    await open({ relay: { kind: 'lcus', path: '/dev/null-relay', channel: 1, baudRate: 9600, pulseMs: 300 } });
    const t = ticket(key).text;
    const v = await core.submit({ text: t, source: 'serial:/dev/x' }, 'serial');
    expect(v).toMatchObject({ result: 'admitted', ticket: { seat: 'A1' } });
    expect(relay.pulses).toBe(1);
    expect(await core.submit({ text: t, source: 'camera' }, 'camera')).toBeNull();
    expect(core.state().counters).toMatchObject({ admitted: 1, denied: 0 });
    expect(events.some((e) => e.event === 'verdict' && (e.payload as VerdictView).id === v!.id)).toBe(true);
  });

  it('never sends the token or PIN hash to a screen', async () => {
    const session = await open({ pinHash: await hashPin('2468') });
    const state = JSON.stringify(await session.invoke('station:state', undefined));
    expect(state).not.toContain('st_test');
    expect(state).not.toContain('scrypt');
    const unlocked = JSON.stringify(await session.invoke('settings:unlock', { pin: '2468' }));
    expect(unlocked).toContain('"enrolled":true');
    expect(unlocked).not.toContain('st_test');
  });

  it('refuses a wrong PIN, and settings commands while locked', async () => {
    const session = await open({ pinHash: await hashPin('2468') });
    expect(await session.invoke('settings:unlock', { pin: '1111' })).toMatchObject({ ok: false, message: 'wrong PIN' });
    expect(await session.invoke('settings:save', { holdMs: 1000 })).toMatchObject({ ok: false, errors: [{ field: 'pin' }] });
    await expect(session.invoke('devices:list', undefined)).rejects.toThrow(/locked/);
    expect(core.config.current.holdMs).toBe(2500);
  });

  it('refuses bad values and keeps the old config, in memory and on disk', async () => {
    const session = await open();
    // No PIN set: settings open without one.
    expect(await session.invoke('settings:unlock', { pin: '' })).toMatchObject({ ok: true });
    const before = readFileSync(join(dir, 'config.json'), 'utf8');
    const bad = await session.invoke('settings:save', { serverUrl: 'not a url', holdMs: 1000 });
    expect(bad).toMatchObject({ ok: false, errors: [{ field: 'serverUrl' }] });
    expect(core.config.current.holdMs).toBe(2500);
    expect(readFileSync(join(dir, 'config.json'), 'utf8')).toBe(before);
    expect(await session.invoke('settings:save', { holdMs: 10 })).toMatchObject({ ok: false, errors: [{ field: 'holdMs' }] });
    await expect(session.invoke('settings:save', { token: 'x' } as never)).rejects.toThrow(/bad argument/);
  });

  it('applies a change without restart, and drops the token when the server changes', async () => {
    const session = await open();
    await session.invoke('settings:unlock', { pin: '' });
    expect(await session.invoke('settings:save', { holdMs: 1200, offlinePolicy: 'signed' })).toMatchObject({ ok: true, settings: { holdMs: 1200 } });
    expect(core.state()).toMatchObject({ holdMs: 1200, offlinePolicy: 'signed', enrolled: true });
    expect(await session.invoke('settings:save', { serverUrl: 'https://other.example.com' })).toMatchObject({ ok: true, settings: { enrolled: false } });
    expect(core.config.current.enrollment).toBeNull();
  });

  it('enrolls from a scanned setup QR only with the PIN (the whole matrix is in setup.test.ts)', async () => {
    await open({ pinHash: await hashPin('2468') });
    await core.submit({ text: encodeSetupPayload(fake.url, ENROLL), source: 'wedge' }, 'wedge');
    expect(events.find((e) => e.event === 'notice')?.payload).toMatchObject({ key: 'setup_ignored' } satisfies Partial<Notice>);
    await core.close();
    rmSync(join(dir, 'config.json'));
    events.length = 0;
    relay = new StuckRelay();
    core = new StationCore({ configFile: join(dir, 'config.json'), log: pino({ level: 'silent' }) });
    await core.start();
    const session = core.connect({ send: (event, payload) => events.push({ event, payload }) });
    await core.submit({ text: encodeSetupPayload(fake.url, ENROLL), source: 'wedge' }, 'wedge');
    expect(core.state()).toMatchObject({ enrolled: false, setupPending: { serverUrl: fake.url } });
    expect(await session.invoke('setup:confirm', { pin: '1357' })).toEqual({ ok: true });
    expect(core.state()).toMatchObject({ enrolled: true, gate: 'Gate T', providerId: 'prv_test' });
    expect(events.find((e) => e.event === 'notice')?.payload).toMatchObject({ key: 'enrolled' });
  });

  it('keeps counters and recent scans across a restart', async () => {
    await open();
    await core.submit({ text: 'garbage-text', source: 'wedge' }, 'wedge');
    await core.close();
    core = new StationCore({ configFile: join(dir, 'config.json'), log: pino({ level: 'silent' }) });
    await core.start();
    expect(core.state().counters).toMatchObject({ admitted: 0, denied: 1 });
    expect(core.state().recent[0]).toMatchObject({ result: 'rejected', reason: 'malformed', source: 'wedge' });
  });

  it('sets a bad config file aside and starts unconfigured', async () => {
    writeFileSync(join(dir, 'config.json'), '{"holdMs": "soon"');
    core = new StationCore({ configFile: join(dir, 'config.json'), log: pino({ level: 'silent' }) });
    await core.start();
    expect(core.state().enrolled).toBe(false);
  });
});
