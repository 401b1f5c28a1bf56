// The station's heartbeat against the real booking server: what a device and
// the OS hand the station as names and errors (a HID product string padded with
// NULs, a driver's message with a bell and a line break) reaches the operator's
// list readable, and the heartbeat is taken, so the gate is listed online.
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { StationDetails } from '../../protocol/booking-api.js';
import { ADMIN_TOKEN, startStack, type Stack } from '../testing/stack.js';
import { heartbeatReport, StationHeartbeat } from './heartbeat.js';

describe('the station heartbeat to the real booking server', { timeout: 60_000 }, () => {
  let stack: Stack;
  beforeAll(async () => {
    stack = await startStack();
  }, 60_000);
  afterAll(() => stack?.close());

  it('drops the control characters of device names and errors, and is taken', async () => {
    const config = await stack.enrolledConfig('Gate NUL');
    const { stationId, token } = config.enrollment as { stationId: string; token: string };
    const report = heartbeatReport(
      '9.9.9',
      { offlinePolicy: 'signed', relay: { kind: 'lcus', path: '/dev/ttyUSB9', channel: 1, baudRate: 9600, pulseMs: 100 } },
      {
        sources: [
          { kind: 'hid', name: 'Honeywell 1900\u0000\u0000\u0000', state: 'connected', detail: '' },
          { kind: 'serial', name: '\u0000\u0000', state: 'error', detail: 'open failed\u0007\r\nEBUSY\u0000' },
        ],
        relay: { name: 'lcus', state: 'error', detail: 'no answer\u0000' },
        offlineBundleAt: null,
        journalPending: 0,
      },
      Math.floor(Date.now() / 1000),
      -3 * 3600,
    );
    const warnings: string[] = [];
    const log = pino({ level: 'warn' }, { write: (line: string) => void warnings.push(line) });
    const heartbeat = new StationHeartbeat({
      intervalMs: 60_000,
      log,
      target: () => ({ serverUrl: stack.bookingUrl, token }),
      report: () => report,
      onGate: () => undefined,
      onRevoked: () => undefined,
    });
    heartbeat.start();
    await heartbeat.beat();
    await heartbeat.close();
    expect(warnings, 'the heartbeat was answered').toEqual([]);

    const { body } = await stack.api<{ stations: StationDetails[] }>('GET', `/api/v1/admin/stations?providerId=${stack.providerId}`, undefined, ADMIN_TOKEN);
    const me = body.stations.find((s) => s.stationId === stationId)!;
    expect(me).toMatchObject({ online: true, version: '9.9.9', relay: { kind: 'lcus', state: 'error', error: 'no answer' }, clockSkewS: -3 * 3600 });
    expect(me.sources).toEqual([
      { kind: 'hid', name: 'Honeywell 1900', state: 'ok' },
      { kind: 'serial', name: 'serial', state: 'error', error: 'open failed EBUSY' },
    ]);
  });
});
