// The Electron shell: the one file that wires the station core into Electron.
// The screen is the same renderer build the web-kiosk shell serves, loaded from
// a private app:// origin; it reaches the core only through the preload's typed
// bridge, and every IPC handler first checks the message came from our window
// and our origin. Locked down: context isolation and sandbox on, no Node in the
// page, no navigation or new windows away from the app, the camera for our own
// origin only, one instance per machine, kiosk mode from the config. In kiosk
// mode there is no menu and only typing reaches the page (kiosk-keys.ts): a
// barcode typed by a wedge scanner cannot reload, close or inspect the window.
// DevTools exist only outside a packaged build.
import { app, BrowserWindow, dialog, ipcMain, Menu, net, protocol, session, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { dirname, join, normalize, sep } from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { COMMAND_CHANNELS, ELECTRON_EVENT_CHANNEL, electronCommandChannel } from '../bridge/contract.js';
import { defaultDataDir } from '../core/paths.js';
import type { BridgeSession } from '../core/session.js';
import { StationCore } from '../core/station.js';
import { kioskAllows } from './kiosk-keys.js';
import { windowOptions } from './window-options.js';

const SCHEME = 'app';
const ORIGIN = `${SCHEME}://station`;
// This file runs bundled as main/electron/dist/main.mjs, beside the renderer build in the repo or the asar.
const HERE = dirname(fileURLToPath(import.meta.url));
const RENDERER_DIR = normalize(join(HERE, '..', '..', '..', 'renderer', 'dist'));
const PRELOAD = join(HERE, 'preload.cjs');

protocol.registerSchemesAsPrivileged([{ scheme: SCHEME, privileges: { standard: true, secure: true, supportFetchAPI: true, stream: true } }]);

const configArg = process.argv.find((a) => a.startsWith('--gatepost-config='));
const configFile = configArg ? configArg.slice('--gatepost-config='.length) : join(defaultDataDir(), 'config.json');
// Chromium's own profile (cache, permissions) beside the station data, not in a second folder.
app.setPath('userData', join(dirname(configFile), 'electron'));

let win: BrowserWindow | null = null;
let core: StationCore | null = null;
let kiosk = false;
/** Set once the app is on its way out: only then may a kiosk window close. */
let quitting = false;
const sessions = new Map<number, BridgeSession>();

function originOf(url: string): string | null {
  try {
    return new URL(url).origin;
  } catch {
    return null;
  }
}

/** Only our window's top frame, showing our own origin, may talk to the core. */
function trusted(event: IpcMainInvokeEvent): boolean {
  const frame = event.senderFrame;
  return !!win && event.sender === win.webContents && !!frame && frame.parent === null && originOf(frame.url) === ORIGIN;
}

function sessionFor(contents: WebContents): BridgeSession {
  let s = sessions.get(contents.id);
  if (s || !core) return s!;
  s = core.connect({
    send: (event, payload) => {
      if (!contents.isDestroyed()) contents.send(ELECTRON_EVENT_CHANNEL, event, payload);
    },
  });
  sessions.set(contents.id, s);
  contents.once('destroyed', () => {
    sessions.get(contents.id)?.close();
    sessions.delete(contents.id);
  });
  return s;
}

function serveRenderer(): void {
  protocol.handle(SCHEME, (request: Request): Response | Promise<Response> => {
    const url = new URL(request.url);
    if (url.origin !== ORIGIN) return new Response('not found', { status: 404 });
    const path = normalize(join(RENDERER_DIR, decodeURIComponent(url.pathname === '/' ? '/index.html' : url.pathname)));
    if (!path.startsWith(RENDERER_DIR + sep)) return new Response('forbidden', { status: 403 });
    return net.fetch(pathToFileURL(path).toString());
  });
}

function lockDown(): void {
  const ses = session.defaultSession;
  // The camera, for our own page only; every other permission is refused.
  ses.setPermissionRequestHandler((_contents: WebContents, permission: string, callback: (granted: boolean) => void, details: unknown) => {
    // The details' type differs between Electron versions; only these two fields are read.
    const d = details as { requestingUrl?: string; mediaTypes?: string[] };
    const ours = originOf(d.requestingUrl ?? '') === ORIGIN;
    const videoOnly = permission === 'media' && (d.mediaTypes ?? []).every((t) => t === 'video');
    callback(ours && videoOnly);
  });
  ses.setPermissionCheckHandler((_contents: WebContents | null, permission: string, requestingOrigin: string) => permission === 'media' && requestingOrigin === ORIGIN);
  app.on('web-contents-created', (_event: unknown, contents: WebContents) => {
    contents.setWindowOpenHandler(() => ({ action: 'deny' }));
    const stayHome = (event: { preventDefault(): void }, url: string) => {
      if (originOf(url) !== ORIGIN) event.preventDefault();
    };
    contents.on('will-navigate', stayHome);
    contents.on('will-frame-navigate', (details) => stayHome(details, details.url));
    contents.on('will-redirect', stayHome);
    contents.on('will-attach-webview', (event: { preventDefault(): void }) => event.preventDefault());
    // Dropped before the page, Chromium or a menu accelerator acts on them.
    contents.on('before-input-event', (event, input) => {
      if (kiosk && !kioskAllows(input)) event.preventDefault();
    });
  });
}

/**
 * Kiosk on: no application menu and none on the window (its Reload, Close and
 * Toggle DevTools items have shortcuts a barcode could type). A packaged build
 * never has a menu; a development checkout keeps Electron's until kiosk is on.
 */
function applyKiosk(on: boolean): void {
  kiosk = on;
  if (on || app.isPackaged) {
    Menu.setApplicationMenu(null);
    win?.removeMenu();
  }
  win?.setKiosk(on);
}

function createWindow(): BrowserWindow {
  const w = new BrowserWindow(windowOptions(kiosk, app.isPackaged, PRELOAD));
  if (kiosk || app.isPackaged) w.removeMenu();
  // A window manager may act on Alt+F4 before the page sees it. In kiosk mode the
  // window closes only when the app quits (a signal, a shutdown, or turning kiosk
  // off in the PIN-locked settings first).
  w.on('close', (event) => {
    if (kiosk && !quitting) event.preventDefault();
  });
  w.on('session-end', () => {
    quitting = true;
  });
  w.once('ready-to-show', () => w.show());
  w.on('closed', () => {
    if (win === w) win = null;
  });
  void w.loadURL(`${ORIGIN}/index.html`);
  return w;
}

async function start(): Promise<void> {
  core = new StationCore({ configFile });
  await core.start();
  serveRenderer();
  lockDown();
  for (const channel of COMMAND_CHANNELS) {
    ipcMain.handle(electronCommandChannel(channel), async (event: IpcMainInvokeEvent, arg: unknown): Promise<unknown> => {
      if (!trusted(event)) {
        core?.log.warn({ channel, url: event.senderFrame?.url }, 'IPC from an untrusted sender refused');
        throw new Error('refused');
      }
      return sessionFor(event.sender).invoke(channel, arg);
    });
  }
  const station = core;
  applyKiosk(station.config.current.kiosk);
  win = createWindow();
  // Kiosk mode is a setting like any other: applied without a restart.
  station.config.onChange((next) => applyKiosk(next.kiosk));
  station.log.info({ config: configFile }, 'station ready (Electron)');
}

if (!app.requestSingleInstanceLock()) {
  // Another station window is already open on this machine: it gets the focus instead.
  app.quit();
} else {
  app.on('second-instance', () => {
    if (!win) return;
    if (win.isMinimized()) win.restore();
    win.focus();
  });
  app.on('window-all-closed', () => app.quit());
  let closing = false;
  app.on('before-quit', (event: { preventDefault(): void }) => {
    quitting = true;
    if (closing || !core) return;
    closing = true;
    event.preventDefault();
    void core.close().finally(() => app.quit());
  });
  app
    .whenReady()
    .then(start)
    .catch((err: unknown) => {
      dialog.showErrorBox('Gatepost Station could not start', (err as Error).message);
      app.exit(1);
    });
}
