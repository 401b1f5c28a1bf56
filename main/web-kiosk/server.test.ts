// The web-kiosk shell's guard rails, over real HTTP and WebSocket: loopback
// only, Host names checked (DNS rebinding), WebSockets from other origins
// refused, WebSockets without the launch's secret refused (a local process can
// forge Origin), every frame checked before it reaches the core.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import WebSocket from 'ws';
import { WEB_BRIDGE_PROTOCOL, WEB_KEY_PROTOCOL_PREFIX } from '../bridge/contract.js';
import { StationCore } from '../core/station.js';
import { SCREEN_NOT_BUILT, startWebKiosk, type WebKiosk } from './server.js';

let dir: string;
let core: StationCore;
let kiosk: WebKiosk;

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), 'gp-kiosk-'));
  writeFileSync(join(dir, 'index.html'), '<!doctype html><title>station</title>');
  core = new StationCore({ configFile: join(dir, 'config.json'), log: pino({ level: 'silent' }) });
  await core.start();
  kiosk = await startWebKiosk({ core, port: 0, rendererDir: dir });
});
afterAll(async () => {
  await kiosk.close();
  await core.close();
  rmSync(dir, { recursive: true, force: true });
});

function get(host: string): Promise<{ status: number; csp: string | undefined }> {
  const { port } = new URL(kiosk.origin);
  return new Promise((resolve, reject) => {
    const req = request({ host: '127.0.0.1', port, path: '/', headers: { host } }, (res) => {
      res.resume();
      resolve({ status: res.statusCode ?? 0, csp: res.headers['content-security-policy'] as string | undefined });
    });
    req.on('error', reject);
    req.end();
  });
}

const secretOf = () => new URL(kiosk.screenUrl).hash.replace('#k=', '');

/** A bridge WebSocket from `origin`, offering the launch secret unless told otherwise. */
function open(origin: string, key: string | null = secretOf()): Promise<WebSocket> {
  const protocols = key === null ? [] : [WEB_BRIDGE_PROTOCOL, WEB_KEY_PROTOCOL_PREFIX + key];
  const ws = new WebSocket(`${kiosk.origin.replace('http', 'ws')}/bridge`, protocols, { origin });
  return new Promise((resolve, reject) => {
    ws.once('open', () => resolve(ws));
    ws.once('error', reject);
  });
}

function call(ws: WebSocket, frame: unknown): Promise<{ id: number; ok: boolean; value?: unknown; error?: string }> {
  return new Promise((resolve) => {
    const onMessage = (data: WebSocket.RawData) => {
      const msg = JSON.parse(String(data)) as { id?: number; ok: boolean };
      if (msg.id === undefined) return;
      ws.off('message', onMessage);
      resolve(msg as { id: number; ok: boolean });
    };
    ws.on('message', onMessage);
    ws.send(typeof frame === 'string' ? frame : JSON.stringify(frame));
  });
}

describe('web-kiosk shell', () => {
  it('serves the screen with a strict CSP to loopback names only', async () => {
    const { port } = new URL(kiosk.origin);
    const ok = await get(`127.0.0.1:${port}`);
    expect(ok.status).toBe(200);
    expect(ok.csp).toContain("script-src 'self' 'wasm-unsafe-eval'");
    expect((await get(`localhost:${port}`)).status).toBe(200);
    expect((await get(`evil.example:${port}`)).status).toBe(421);
  });

  it('refuses to listen beyond loopback', async () => {
    await expect(startWebKiosk({ core, port: 0, host: '0.0.0.0', rendererDir: dir })).rejects.toThrow(/loopback/);
  });

  it('without a built screen: starts, logs a stable reason, answers 503 saying so', async () => {
    const logged: { reason?: string }[] = [];
    const log = pino({ level: 'info' }, { write: (line: string) => void logged.push(JSON.parse(line) as { reason?: string }) });
    const bare = new StationCore({ configFile: join(dir, 'bare.json'), log });
    await bare.start();
    const empty = join(dir, 'no-build');
    const shell = await startWebKiosk({ core: bare, port: 0, rendererDir: empty });
    try {
      const res = await fetch(`${shell.origin}/`);
      expect(res.status).toBe(503);
      expect(await res.json()).toMatchObject({ error: SCREEN_NOT_BUILT });
      expect(logged.some((l) => l.reason === SCREEN_NOT_BUILT)).toBe(true);
    } finally {
      await shell.close();
      await bare.close();
    }
  });

  it('refuses a WebSocket opened by a page of another origin', async () => {
    await expect(open('http://evil.example')).rejects.toThrow(/403/);
  });

  it('puts a secret of 256 random bits in the screen URL fragment, new at every launch', async () => {
    expect(kiosk.screenUrl).toMatch(new RegExp(`^${kiosk.origin}/#k=[A-Za-z0-9_-]{43}$`));
    const again = await startWebKiosk({ core, port: 0, rendererDir: dir });
    expect(secretOf()).not.toBe(new URL(again.screenUrl).hash.replace('#k=', ''));
    await again.close();
  });

  it('refuses a local process with a forged loopback Origin but without the secret: no state, no scans', async () => {
    const before = core.state().counters;
    // No secret; a wrong one; the right one with a byte changed; the secret in the URL's query instead of the handshake.
    await expect(open(kiosk.origin, null)).rejects.toThrow(/403/);
    await expect(open(kiosk.origin, 'A'.repeat(43))).rejects.toThrow(/403/);
    const s = secretOf();
    await expect(open(kiosk.origin, `${s.slice(0, -1)}${s.endsWith('A') ? 'B' : 'A'}`)).rejects.toThrow(/403/);
    const viaQuery = new WebSocket(`${kiosk.origin.replace('http', 'ws')}/bridge?k=${s}`, { origin: kiosk.origin });
    await expect(new Promise((resolve, reject) => (viaQuery.once('open', resolve), viaQuery.once('error', reject)))).rejects.toThrow(/403/);
    expect(core.state().counters).toEqual(before);
    // With it, the same client gets in, and the shell picks the bridge subprotocol, not the secret.
    const ws = await open(kiosk.origin);
    expect(ws.protocol).toBe(WEB_BRIDGE_PROTOCOL);
    expect(await call(ws, { id: 1, channel: 'station:state' })).toMatchObject({ ok: true });
    ws.close();
  });

  it('answers bridge commands, and refuses unknown channels and bad arguments', async () => {
    const ws = await open(kiosk.origin);
    const state = await call(ws, { id: 1, channel: 'station:state' });
    expect(state).toMatchObject({ id: 1, ok: true, value: { enrolled: false } });
    expect(await call(ws, { id: 2, channel: 'fs:read', arg: '/etc/passwd' })).toMatchObject({ id: 2, ok: false, error: expect.stringMatching(/unknown command/) });
    expect(await call(ws, { id: 3, channel: 'scan:submit', arg: { text: 'x', symbology: 'qr', source: 'serial' } })).toMatchObject({ ok: false });
    expect(await call(ws, { id: 4, channel: 'settings:save', arg: { enrollment: { token: 'x' } } })).toMatchObject({ ok: false });
    ws.close();
  });

  it('closes a connection that sends something that is not a frame, and lives on', async () => {
    const ws = await open(kiosk.origin);
    const closed = new Promise<number>((resolve) => ws.once('close', (code) => resolve(code)));
    ws.send('{not json');
    expect(await closed).toBe(1003);
    const again = await open(kiosk.origin);
    expect(await call(again, { id: 1, channel: 'station:state' })).toMatchObject({ ok: true });
    again.close();
  });
});
