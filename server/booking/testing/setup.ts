// Test support: a booking server in this process and the calls that set one up
// the way an operator and a customer would (an account, a registered
// provider, an enrolled gate station), over real HTTP; and the usual pair of a
// demo verification server process registered with such a booking server.
import { join } from 'node:path';
import { startGatepost, type RunningCommand } from '../../../testing/processes.js';
import { testStorage, type TestStorage } from '../../common/testing/storage.js';
import { startBooking, type BookingOptions, type RunningBooking } from '../server.js';
import { bookingClient, type BookingClient } from './http.js';

/**
 * A booking server on a free loopback port, quiet, with its background work
 * (issuer, reminders, pruning) off unless the test turns it on.
 */
export function startTestBooking(opts: Omit<BookingOptions, 'port'> & { port?: number }): Promise<RunningBooking> {
  return startBooking({ port: 0, retryIntervalMs: 0, reminderIntervalMs: 0, pruneIntervalMs: 0, logger: false, ...opts });
}

/** A new customer account; its session token. */
export async function signUp(api: BookingClient, email: string, password = 'password123'): Promise<string> {
  const res = await api.post<{ token: string }>('/api/v1/users', { email, password });
  if (res.status !== 201) throw new Error(`sign-up of ${email}: ${res.status} ${res.text}`);
  return res.body.token;
}

/** Registers a verification server with the admin token; its provider ID. */
export async function registerProvider(
  api: BookingClient,
  adminToken: string,
  provider: { verifyUrl: string; secret: string; name?: string; timeZone?: string },
): Promise<string> {
  const { verifyUrl, secret, timeZone } = provider;
  const res = await api.post<{ providerId: string }>('/api/v1/admin/providers', { name: provider.name ?? 'Fake', verifyUrl, secret, timeZone }, { token: adminToken });
  if (res.status !== 201) throw new Error(`registering ${provider.verifyUrl}: ${res.status} ${res.text}`);
  return res.body.providerId;
}

/** Creates a station for a provider and gate, and enrolls it; its station ID and token. */
export async function enrolledStation(api: BookingClient, adminToken: string, providerId: string, gate: string): Promise<{ stationId: string; token: string }> {
  const created = await api.post<{ enrollment: string }>('/api/v1/admin/stations', { providerId, gate }, { token: adminToken });
  if (created.status !== 201) throw new Error(`creating a station at ${gate}: ${created.status} ${created.text}`);
  const enrolled = await api.post<{ stationId: string; token: string }>('/api/v1/station/enroll', { enrollment: created.body.enrollment });
  if (enrolled.status !== 200) throw new Error(`enrolling the station at ${gate}: ${enrolled.status} ${enrolled.text}`);
  return { stationId: enrolled.body.stationId, token: enrolled.body.token };
}

/** Creates a station for a provider and gate, and enrolls it; its station token. */
export async function enrollStation(api: BookingClient, adminToken: string, providerId: string, gate: string): Promise<string> {
  return (await enrolledStation(api, adminToken, providerId, gate)).token;
}

/** A venue staff account for these providers, signed in; its session token. */
export async function staffSignIn(api: BookingClient, adminToken: string, email: string, providerIds: string[], password = 'password123'): Promise<string> {
  const created = await api.post('/api/v1/admin/staff', { email, password, role: 'venue', providerIds }, { token: adminToken });
  if (created.status !== 201) throw new Error(`creating staff ${email}: ${created.status} ${created.text}`);
  const session = await api.post<{ token: string }>('/api/v1/staff/sessions', { email, password });
  if (session.status !== 200) throw new Error(`signing in staff ${email}: ${session.status} ${session.text}`);
  return session.body.token;
}

/** A venue ready to sell: its provider registered, a station enrolled at `gate`, customers signed up (their session tokens, in order). */
export async function openVenue<Emails extends readonly string[]>(
  api: BookingClient,
  adminToken: string,
  venue: { provider: { verifyUrl: string; secret: string; name?: string }; gate: string; customers: readonly [...Emails] },
): Promise<{ providerId: string; station: string; customers: { [K in keyof Emails]: string } }> {
  const providerId = await registerProvider(api, adminToken, venue.provider);
  const customers: string[] = [];
  for (const email of venue.customers) customers.push(await signUp(api, email));
  return { providerId, station: await enrollStation(api, adminToken, providerId, venue.gate), customers: customers as { [K in keyof Emails]: string } };
}

/** A venue staff account for these providers, signed in; its session token. */
export async function venueStaffSession(api: BookingClient, adminToken: string, email: string, providerIds: string[], password = 'staff-password-0123'): Promise<string> {
  const created = await api.post('/api/v1/admin/staff', { email, password, role: 'venue', providerIds }, { token: adminToken });
  if (created.status !== 201) throw new Error(`creating staff ${email}: ${created.status} ${created.text}`);
  const session = await api.post<{ token: string }>('/api/v1/staff/sessions', { email, password });
  if (session.status !== 200) throw new Error(`signing in ${email}: ${session.status} ${session.text}`);
  return session.body.token;
}

export interface DemoPair {
  store: TestStorage;
  /** the verification server, a child process with the demo programme */
  provider: RunningCommand;
  booking: RunningBooking;
  api: BookingClient;
  providerId: string;
  /** closes both and removes their data */
  stop(): Promise<void>;
}

/**
 * A demo verification server process and a booking server in this process
 * (demo payments, the admin token given), on SQLite files in a fresh folder
 * named after `name`; the provider registered under `providerName`.
 */
export async function startDemoPair(
  name: string,
  opts: { adminToken: string; secret: string; providerName: string; timeZone?: string; booking?: Omit<BookingOptions, 'port' | 'dataDir' | 'adminToken'> },
): Promise<DemoPair> {
  const store = await testStorage('sqlite', name);
  const started: { provider?: RunningCommand; booking?: RunningBooking } = {};
  const stop = async () => {
    await started.booking?.close();
    await started.provider?.stop();
    await store.remove();
  };
  try {
    const provider = (started.provider = await startGatepost(['provider', '--port', '0', '--data', join(store.dir, 'provider'), '--booking-secret', opts.secret, '--demo'], { DATABASE_URL: '' }));
    const booking = (started.booking = await startTestBooking({ demo: true, ...opts.booking, dataDir: join(store.dir, 'booking'), adminToken: opts.adminToken }));
    const api = bookingClient(booking.url);
    const providerId = await registerProvider(api, opts.adminToken, { name: opts.providerName, verifyUrl: provider.url, secret: opts.secret, timeZone: opts.timeZone });
    return { store, provider, booking, api, providerId, stop };
  } catch (err) {
    await stop();
    throw err;
  }
}
