// gatepost demo (`npm start`): every part of Gatepost on one machine, on SQLite.
// A Demo Cinema verification server, the booking server with the customer page,
// a demo customer holding two tickets (their PNGs saved), a gate station
// enrolled for the cinema, and two console accounts: an admin and the
// cinema's venue staff. It writes DIR/demo.json with every URL and credential
// a tester needs. Run again on the same folder, it reuses the same accounts.
import { spawn, spawnSync } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { startBooking } from '../server/booking/server.js';
import { startProvider } from '../server/provider/server.js';
import { ensurePrivateDir, writePrivateFile } from '../server/common/private-files.js';
import { hashPin } from '../main/config/pin.js';
import { defaultConfig, type StationConfig } from '../main/config/schema.js';
import { StationCore } from '../main/core/station.js';
import { electronBinary, launchElectron } from '../main/electron/launch.js';
import { startWebKiosk } from '../main/web-kiosk/server.js';
import { parseFlags, portFlag } from './options.js';
import { onShutdown } from './shutdown.js';

interface DemoFile {
  bookingUrl: string;
  providerUrl: string;
  adminToken: string;
  providerId: string;
  providerSecret: string;
  user: { email: string; password: string; token: string };
  station: { url: string; token: string; gate: string; pin: string };
  tickets: { ticketId: string; payload: string; image: string }[];
  staff: DemoStaff[];
}

interface DemoStaff {
  email: string;
  password: string;
  role: 'admin' | 'venue';
}

const STAFF: Omit<DemoStaff, 'password'>[] = [
  { email: 'admin@gatepost.example', role: 'admin' },
  { email: 'venue@gatepost.example', role: 'venue' },
];

const GATE = 'Gate 1';
const PIN = '1234';

export async function run(argv: string[]): Promise<void> {
  const flags = parseFlags('demo', argv, {
    headless: { type: 'boolean', env: 'GATEPOST_HEADLESS', help: 'open no window; serve the web-kiosk station' },
    data: { type: 'string', env: 'GATEPOST_DATA', default: '.gatepost/demo', help: 'data folder for every part' },
    'booking-port': { type: 'string', env: 'GATEPOST_BOOKING_PORT', default: '7700', help: 'booking server port' },
    'provider-port': { type: 'string', env: 'GATEPOST_PROVIDER_PORT', default: '7701', help: 'verification server port' },
    'station-port': { type: 'string', env: 'GATEPOST_STATION_PORT', default: '7702', help: 'web-kiosk station port' },
  });
  const dir = resolve(flags.data!);
  // demo.json holds every credential and each PNG is a ticket that admits: owner-only, whatever the umask.
  ensurePrivateDir(dir);
  ensurePrivateDir(join(dir, 'tickets'));
  const demoFile = join(dir, 'demo.json');
  const previous = existsSync(demoFile) ? (JSON.parse(readFileSync(demoFile, 'utf8')) as DemoFile) : undefined;
  const secret = (n: number) => randomBytes(n).toString('base64url');
  const adminToken = previous?.adminToken ?? secret(24);
  const providerSecret = previous?.providerSecret ?? secret(24);
  const user = previous?.user ?? { email: 'demo@gatepost.example', password: secret(12), token: '' };

  const provider = await startProvider({ port: portFlag(flags['provider-port']), dataDir: join(dir, 'provider'), bookingSecret: providerSecret, demo: true });
  const booking = await startBooking({ port: portFlag(flags['booking-port']), dataDir: join(dir, 'booking'), adminToken, demo: true });
  const api = client(booking.url);

  // The cinema, registered once; its ID is the booking server's to assign.
  let providerId = previous?.providerId;
  const known = await api<{ providers: { providerId: string }[] }>('GET', '/api/v1/providers');
  if (!providerId || !known.providers.some((p) => p.providerId === providerId)) {
    ({ providerId } = await api<{ providerId: string }>('POST', '/api/v1/admin/providers', { name: 'Demo Cinema', verifyUrl: provider.url, secret: providerSecret }, adminToken));
  }

  // The customer: signed up once, signed in after.
  const signIn = await api<{ token: string }>('POST', '/api/v1/sessions', { email: user.email, password: user.password }).catch(() => null);
  user.token = signIn?.token ?? (await api<{ token: string }>('POST', '/api/v1/users', { email: user.email, password: user.password })).token;

  // Two tickets for the show that is open for entry now, on the first free seats.
  const seats = await api<{ seats: { seatId: string; status: string }[] }>('GET', `/api/v1/providers/${providerId}/shows/demo-1/seats`);
  const free = seats.seats.filter((s) => s.status === 'free').slice(0, 2).map((s) => s.seatId);
  const order = await api<{ tickets: { ticketId: string; payload: string; imageUrl: string }[] }>(
    'POST',
    '/api/v1/orders',
    { providerId, showId: 'demo-1', seats: free, payment: { method: 'demo' } },
    user.token,
  );
  const tickets = [];
  for (const t of order.tickets) {
    const res = await fetch(new URL(t.imageUrl, booking.url), { headers: { authorization: `Bearer ${user.token}` } });
    if (!res.ok) throw new Error(`ticket image ${t.ticketId}: HTTP ${res.status}`);
    const image = join(dir, 'tickets', `${t.ticketId}.png`);
    writePrivateFile(image, Buffer.from(await res.arrayBuffer()));
    tickets.push({ ticketId: t.ticketId, payload: t.payload, image });
  }

  // The gate: a station created by the operator and enrolled with its one-time code.
  const created = await api<{ enrollment: string }>('POST', '/api/v1/admin/stations', { providerId, gate: GATE }, adminToken);
  const enrolled = await api<{ token: string; stationId: string }>('POST', '/api/v1/station/enroll', { enrollment: created.enrollment });
  const configFile = join(dir, 'station', 'config.json');
  ensurePrivateDir(join(dir, 'station'));
  const config: StationConfig = {
    ...defaultConfig(),
    serverUrl: booking.url,
    providerId: providerId!,
    gate: GATE,
    enrollment: { stationId: enrolled.stationId, token: enrolled.token },
    offlinePolicy: 'signed',
    pinHash: await hashPin(PIN),
  };
  writePrivateFile(configFile, JSON.stringify(config, null, 2));

  // The console's accounts: made once, their passwords kept in demo.json.
  const staff = await demoStaff(api, adminToken, providerId!, previous?.staff ?? [], () => secret(16));

  const closers: (() => Promise<void>)[] = [];
  let stationUrl = '';
  /** what the console may show: the screen URL without its bridge secret */
  let stationShown = '';
  const binary = flags.headless ? null : electronBinary();
  if (binary) {
    void launchElectron(binary, configFile).then((code) => process.exit(code));
    stationUrl = stationShown = 'electron';
  } else {
    if (!flags.headless) console.error('gatepost demo: Electron is not installed here; starting the web-kiosk station instead');
    const core = new StationCore({ configFile });
    await core.start();
    const kiosk = await startWebKiosk({ core, port: portFlag(flags['station-port']) });
    stationUrl = kiosk.screenUrl;
    stationShown = `${kiosk.origin}  (open station.url from demo.json: it carries the screen's secret)`;
    closers.push(() => kiosk.close(), () => core.close());
  }

  const demo: DemoFile = {
    bookingUrl: booking.url,
    providerUrl: provider.url,
    adminToken,
    providerId: providerId!,
    providerSecret,
    user,
    station: { url: stationUrl, token: enrolled.token, gate: GATE, pin: PIN },
    tickets,
    staff,
  };
  writePrivateFile(demoFile, JSON.stringify(demo, null, 2) + '\n');
  console.log(
    [
      '',
      `Gatepost demo is running (data in ${dir})`,
      `  customer page   ${booking.url}/   (sign in as ${user.email}; password in demo.json)`,
      `  gate station    ${stationShown}   (settings PIN ${PIN})`,
      `  console         ${booking.url}/console   (staff: ${staff.map((s) => `${s.email} (${s.role})`).join(', ')}; passwords in demo.json)`,
      `  tickets         ${tickets.map((t) => t.image).join('\n                  ')}`,
      `  everything else ${demoFile}`,
      '',
    ].join('\n'),
  );
  if (!binary && !flags.headless) openChromium(stationUrl);

  onShutdown(async () => {
    for (const close of closers) await close();
    await booking.close();
    await provider.close();
  });
}

/**
 * The demo admin and the demo cinema's venue staff. A password demo.json
 * does not know (an account left by an earlier demo.json) is set anew, and
 * the venue account follows the cinema if it was registered again.
 */
async function demoStaff(api: ReturnType<typeof client>, adminToken: string, providerId: string, previous: DemoStaff[], password: () => string): Promise<DemoStaff[]> {
  const existing = (await api<{ staff: { staffId: string; email: string }[] }>('GET', '/api/v1/admin/staff', undefined, adminToken)).staff;
  const out: DemoStaff[] = [];
  for (const wanted of STAFF) {
    const known = previous.find((p) => p.email === wanted.email && p.role === wanted.role);
    const account = { ...wanted, password: known?.password ?? password() };
    const found = existing.find((e) => e.email === wanted.email);
    const providerIds = wanted.role === 'venue' ? [providerId] : undefined;
    if (!found) {
      await api('POST', '/api/v1/admin/staff', { ...account, providerIds }, adminToken);
    } else {
      await api('PATCH', `/api/v1/admin/staff/${found.staffId}`, { role: wanted.role, providerIds, ...(known ? {} : { password: account.password }) }, adminToken);
    }
    out.push(account);
  }
  return out;
}

/** `chromium --app=URL` when a browser and a display are there; a missing one is not an error. */
function openChromium(url: string): void {
  if (!process.env.DISPLAY && !process.env.WAYLAND_DISPLAY) return;
  const browser = ['chromium', 'chromium-browser', 'google-chrome'].find((b) => spawnSync('which', [b]).status === 0);
  if (!browser) return;
  spawn(browser, [`--app=${url}`, '--no-first-run'], { detached: true, stdio: 'ignore' }).unref();
}

function client(base: string) {
  return async <T>(method: string, path: string, body?: unknown, token?: string): Promise<T> => {
    const headers: Record<string, string> = {};
    if (body !== undefined) headers['content-type'] = 'application/json';
    if (token) headers.authorization = `Bearer ${token}`;
    const res = await fetch(base + path, { method, headers, body: body === undefined ? undefined : JSON.stringify(body) });
    const json = (await res.json()) as T & { error?: string; message?: string };
    if (!res.ok) throw new Error(`${method} ${path}: ${json.error ?? res.status} ${json.message ?? ''}`);
    return json;
  };
}
