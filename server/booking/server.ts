// Starts one booking server: database, migrations, platform keys, routes,
// the background issuer, listen.
import { randomBytes } from 'node:crypto';
import { sql, type Kysely } from 'kysely';
import { Counter, Gauge, Histogram } from 'prom-client';
import { createApp, listenUrl, logReady, type App } from '../common/app.js';
import { batchSizeHistogram, serveMetrics } from '../common/metrics.js';
import { logConnectionLost, openDatabase } from '../common/db.js';
import { GroupCommit } from '../common/group-commit.js';
import { KEY_REFRESH_MS, startBackgroundWork } from './background-work.js';
import { Auth, authenticateRoutes } from './auth.js';
import { StartError } from '../common/start-error.js';
import type { BookingContext } from './context.js';
import { IssuedPayloads } from './scanning/issued-payloads.js';
import { reissueRetired, retireKey } from './keys/key-retirement.js';
import { PlatformKeys } from './keys/keys.js';
import { DEFAULT_ORDER_TIMING, OrderService, type OrderTiming } from './ordering/orders.js';
import { DEFAULT_PAYMENT_DEADLINE_MS, defaultGateways, withDeadline, type PaymentGateways } from './ordering/payments.js';
import { TicketCancellations } from './ordering/cancellation.js';
import { MailOutbox } from './mail/outbox.js';
import { DEFAULT_TIMEOUTS, type ProviderTimeouts } from './providers/provider-client.js';
import { DEFAULT_RATE_LIMIT, RejectionLimiter, type RateLimitOptions } from '../common/rate-limit.js';
import { SharedRejectionLimiter } from '../common/shared-rate-limit.js';
import { ProviderRegistry } from './providers/registry.js';
import { warmRenderer } from './tickets/render.js';
import type { TicketLinks } from './tickets/ticket-view.js';
import { accountRoutes, signInLimiters } from './accounts/routes.js';
import { catalogueRoutes } from './catalogue/routes.js';
import { CatalogueCache, type CatalogueCacheOptions } from './catalogue/show-cache.js';
import { keyRoutes } from './keys/routes.js';
import { orderRoutes } from './ordering/routes.js';
import { providerRoutes } from './providers/routes.js';
import { stationAdminRoutes } from './stations/routes.js';
import { showAdminRoutes } from './shows/routes.js';
import { ShowCancellations } from './shows/show-cancellation.js';
import { heartbeatRoutes } from './stations/heartbeat.js';
import { LastSeen } from './stations/status.js';
import { stationRoutes } from './scanning/routes.js';
import { AnnulService } from './annulments/annulments.js';
import { annulRoutes } from './annulments/routes.js';
import { ticketRoutes } from './tickets/routes.js';
import { ticketSearchRoutes } from './ticket-search/routes.js';
import { EmailChannel, SmsWebhookChannel } from './reminders/channels.js';
import { ReminderService } from './reminders/reminder-service.js';
import { reminderRoutes } from './reminders/routes.js';
import { ScanService } from './scanning/relay.js';
import { liveRoutes } from './scanning/live-routes.js';
import { LiveStreams } from './scanning/live-stream.js';
import { liveSummary } from './scanning/live.js';
import { consolePage } from '../console/serve.js';
import { webPage } from '../web/serve.js';
import { AuditLog } from './staff/audit.js';
import { staffRoutes } from './staff/routes.js';
import { staffSessionRoutes } from './staff/session-routes.js';
import { bookingMigrations, type BookingDB } from './schema.js';
import { sealStoredSecrets } from './keys/secrets-at-rest.js';
import { sha256 } from './secrets.js';
import { keySealer, PLAINTEXT, readSecretsKeyFile, SEALED, type Sealer } from './keys/sealed.js';

export interface BookingOptions {
  port: number;
  host?: string;
  dataDir: string;
  databaseUrl?: string;
  /** the operator's bearer token for /api/v1/admin/*; without it the admin API is off */
  adminToken?: string;
  /** the URL customers and stations use (share links, setup QR); default the listen URL */
  publicUrl?: string;
  /** add a new active platform signing key at start */
  rotateKey?: boolean;
  /** retire this platform signing key at start (key-retirement.ts); an unknown key ID stops the start */
  retireKeyId?: number;
  /** file holding the key the stored secrets are sealed with (sealed.ts); plaintext without it */
  secretsKeyFile?: string;
  /** how often keys are re-read for rotations and retirements by other processes (ms) */
  keyRefreshMs?: number;
  /** SMTP server for e-mail reminders (smtp://user:pass@host:port); no e-mail reminders without it */
  smtpUrl?: string;
  /** URL the SMS adapter POSTs {to, text, id} to; no SMS reminders without it */
  smsWebhookUrl?: string;
  /** how often due reminders are looked for (ms); 0 turns the sender off */
  reminderIntervalMs?: number;
  /** demo mode: the `demo` payment method (marks orders paid, no money moves) is on only then */
  demo?: boolean;
  /** epoch seconds */
  now?: () => number;
  /** payment gateways by method; default: `demo` in demo mode, none otherwise */
  payments?: PaymentGateways;
  /** how long a payment gateway call may take before it counts as the gateway not reached (ms) */
  paymentDeadlineMs?: number;
  providerTimeouts?: Partial<ProviderTimeouts>;
  /** the catalogue cache's lifetimes, size and clock (show-cache.ts) */
  catalogueCache?: Partial<CatalogueCacheOptions>;
  rateLimit?: Partial<RateLimitOptions>;
  orderTiming?: Partial<OrderTiming>;
  /** how often the background issuer looks for paid orders to retry (ms); 0 turns it off */
  retryIntervalMs?: number;
  /** how often offline-bundle events of expired tickets are pruned (ms), also once at start; 0 turns it off */
  pruneIntervalMs?: number;
  /** how long cancelling a show waits for its refunds before answering with what is done (ms); the rest carries on */
  showCancellationReplyMs?: number;
  logger?: Parameters<typeof createApp>[0]['logger'];
  /** reverse proxies (addresses, CIDR ranges) whose X-Forwarded-For names the client */
  trustProxy?: string[];
  /** serve /metrics on 127.0.0.1:metricsPort without auth instead of on the main port with the admin token */
  metricsPort?: number;
  /** accept a provider verifyUrl over plain http off loopback (with a warning) */
  allowInsecureHttp?: boolean;
}

export interface RunningBooking {
  app: App;
  url: string;
  ctx: BookingContext;
  orders: OrderService;
  reminders: ReminderService;
  catalogue: CatalogueCache;
  close(): Promise<void>;
}

export const MIN_ADMIN_TOKEN_LENGTH = 16;

export async function startBooking(opts: BookingOptions): Promise<RunningBooking> {
  if (opts.adminToken !== undefined && opts.adminToken.length < MIN_ADMIN_TOKEN_LENGTH) {
    throw new Error(`the admin token must be at least ${MIN_ADMIN_TOKEN_LENGTH} characters`);
  }
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  // Before the database: a key file that is missing or too open stops the start with nothing touched.
  const sealer: Sealer = opts.secretsKeyFile ? keySealer(readSecretsKeyFile(opts.secretsKeyFile)) : PLAINTEXT;
  // The app (and its logger) is made once the database is open.
  let log: App['log'] | undefined = undefined;
  const database = await openDatabase<BookingDB>({
    onConnectionLost: (err) => logConnectionLost(log, err),
    dataDir: opts.dataDir,
    file: 'booking.sqlite',
    databaseUrl: opts.databaseUrl,
    migrations: bookingMigrations(opts.databaseUrl ? 'postgres' : 'sqlite'),
  });
  const { db } = database;
  let sealedNow: number;
  try {
    sealedNow = await sealStoredSecrets(db, sealer, database.dialect);
  } catch (err) {
    await database.close();
    throw err;
  }

  const app = await createApp({
    name: 'gatepost-booking',
    description: 'Gatepost booking server: accounts, catalogue, orders, ticket images, sharing, provider registry, gate station relay.',
    healthCheck: async () => {
      await sql`select 1`.execute(db);
    },
    logger: opts.logger,
    trustProxy: opts.trustProxy,
    metricsRoute: opts.metricsPort === undefined,
  });
  log = app.log;
  const metrics = bookingMetrics(app);
  if (sealedNow > 0) app.log.info({ values: sealedNow }, 'stored secrets sealed with the secrets key');
  const keys = await PlatformKeys.open(db, now, { rotate: opts.rotateKey, sealer });
  // Filled once the server listens (issued-payloads.ts): its start does not wait on a season's tickets.
  const issued = new IssuedPayloads();
  const providerCall = app.metricsBuffer.histogram(metrics.providerCalls);
  const providers = new ProviderRegistry(
    db,
    now,
    { ...DEFAULT_TIMEOUTS, ...opts.providerTimeouts },
    {
      observe: (op, outcome, s) => providerCall(s, op, outcome),
      warn: throttledWarn(app),
      failover: (op) => metrics.providerFailovers.inc({ op }),
      instance: (providerId, url, up) => metrics.providerInstanceUp.set({ provider: providerId, url }, up ? 1 : 0),
    },
    sealer,
  );
  const writes = new GroupCommit(db);
  writes.onBatch = (n) => metrics.batchSize.observe(n);
  const ctx: BookingContext = {
    db,
    writes,
    relaxedTransaction: database.relaxedTransaction,
    sync: database.sync,
    now,
    keys,
    issued,
    providers,
    payments: withDeadline(opts.payments ?? (opts.demo ? defaultGateways() : {}), opts.paymentDeadlineMs ?? DEFAULT_PAYMENT_DEADLINE_MS),
    shareSecret: await shareSecret(db, sealer),
    publicUrl: '',
    allowInsecureHttp: opts.allowInsecureHttp ?? false,
    log: app.log as unknown as BookingContext['log'],
  };
  // Trust ends before the server answers anything; the re-signing, which takes a while
  // on a season's tickets, runs once it is listening.
  if (opts.retireKeyId !== undefined) {
    if (!(await keys.retire(opts.retireKeyId))) {
      await app.close();
      await database.close();
      throw new StartError(`--retire-key ${opts.retireKeyId}: there is no signing key ${opts.retireKeyId} (GET /api/v1/keys lists the keys in use)`);
    }
    app.log.warn({ keyId: opts.retireKeyId, activeKeyId: keys.activeKeyId }, 'platform signing key retired; its tickets are signed again in the background');
  }
  const orders = new OrderService(ctx, { ...DEFAULT_ORDER_TIMING, ...opts.orderTiming });
  orders.onState = (state, reason) => metrics.orders.inc({ state, reason: reason ?? '' });
  const catalogue = new CatalogueCache(opts.catalogueCache, app.metricsBuffer.counter(metrics.catalogueCache));
  orders.onSeatsChanged = (providerId, showId) => catalogue.dropSeats(providerId, showId);
  const cancellations = new TicketCancellations(ctx);
  cancellations.onSeatsChanged = orders.onSeatsChanged;
  const showCancellations = new ShowCancellations(ctx, cancellations, catalogue, opts.showCancellationReplyMs);
  orders.onIssued = (providerId, showId) =>
    void showCancellations
      .takeBackLatecomers({ providerId, showId })
      .catch((err: unknown) => ctx.log.warn({ err: (err as Error).message }, 'could not look for a cancellation of the show just sold; the background pass will'));
  const email = opts.smtpUrl ? new EmailChannel(opts.smtpUrl) : undefined;
  const outbox = new MailOutbox(db, now, ctx.log, email);
  orders.mail = outbox;
  cancellations.mail = outbox;
  // PostgreSQL: every booking process on the database counts towards one limit (shared-rate-limit.ts).
  const shared = database.dialect === 'postgres' ? (db as Kysely<unknown>) : undefined;
  const scanLimit = { ...DEFAULT_RATE_LIMIT, ...opts.rateLimit };
  const limiter = shared ? new SharedRejectionLimiter(shared, 'scan_station', scanLimit, now) : new RejectionLimiter(scanLimit, now);
  const scans = new ScanService(ctx, limiter, app.metricsBuffer.counter(metrics.scans));

  // Each capability's routes are a plugin of their own, handed only the services they use.
  // The order is the OpenAPI document's; the auth hook is added first so every plugin inherits it.
  // `links` is the context itself: its publicUrl is known only once the server listens.
  const lastSeen = new LastSeen(ctx);
  const auth = new Auth({ db, now, adminTokenHash: opts.adminToken ? sha256(opts.adminToken) : undefined, onStationSeen: (stationId) => lastSeen.seen(stationId) });
  const links: TicketLinks = ctx;
  const audit = new AuditLog(db, writes, now);
  // Customers and staff sign in against the same limits per client address.
  const signInLimits = signInLimiters(now, shared);
  authenticateRoutes(app, auth);
  await app.register(keyRoutes, { keys, auth, audit, retireKey: (keyId) => retireKey(ctx, keyId) });
  await app.register(accountRoutes, { db, writes, now, auth, limits: signInLimits });
  await app.register(staffSessionRoutes, { db, writes, now, auth, audit, limits: signInLimits });
  await app.register(staffRoutes, { db, writes, now, auth, audit });
  await app.register(providerRoutes, { providers, allowInsecureHttp: ctx.allowInsecureHttp, auth, audit });
  await app.register(catalogueRoutes, { providers, cache: catalogue });
  await app.register(showAdminRoutes, { providers, auth, audit, cache: catalogue, shows: showCancellations });
  await app.register(orderRoutes, { db, now, auth, orders, cancellations, links });
  await app.register(ticketRoutes, { db, writes, now, providers, auth, audit, links, cancellations });
  await app.register(ticketSearchRoutes, { db, auth, flushAdmissions: () => scans.flushAdmissions() });
  await app.register(stationAdminRoutes, { db, writes, now, providers, auth, audit, links });
  await app.register(stationRoutes, { db, now, keys, auth, scans });
  await app.register(annulRoutes, { auth, audit, annulments: new AnnulService(ctx, () => scans.flushForAnnulment()) });
  await app.register(heartbeatRoutes, { relaxedTransaction: ctx.relaxedTransaction, now, auth });
  await app.register(reminderRoutes, { db, now, auth });
  // The Live page: capacity is the show's seat count from the provider (the catalogue cache), unknown while it is unreachable.
  const capacity = async (providerId: string, showId: string) => {
    const client = await providers.get(providerId);
    return client ? catalogue.seats(client, showId).then((seats) => seats.length, () => null) : null;
  };
  const summary = async (providerId: string, showId: string) => liveSummary(db, providerId, showId, now(), await capacity(providerId, showId));
  const streams = new LiveStreams(summary, (err) => ctx.log.warn({ err: (err as Error).message }, 'could not read the live summary'));
  scans.outcomes.onCommitted = (providerIds) => streams.changed(providerIds);
  await app.register(liveRoutes, { db, writes, now, auth, audit, summary, streams });
  await webPage(app);
  await consolePage(app);

  const reminders = new ReminderService(db, now, ctx.log, { email, sms: opts.smsWebhookUrl ? new SmsWebhookChannel(opts.smsWebhookUrl) : undefined });
  const reminderPasses = new Counter({ name: 'gatepost_reminder_passes_total', help: 'passes of the reminder sender', registers: [app.metrics] });
  const remindersSent = new Counter({ name: 'gatepost_reminders_sent_total', help: 'reminders sent', registers: [app.metrics] });
  reminders.onPass = (sent) => {
    reminderPasses.inc();
    remindersSent.inc(sent);
  };
  const stopReminders = (opts.reminderIntervalMs ?? 15_000) > 0 ? reminders.start(opts.reminderIntervalMs ?? 15_000) : () => undefined;
  // The same pace as reminders: a message owed is sent at once (kick) and retried at this interval.
  const stopMail = outbox.start(opts.reminderIntervalMs || 15_000);

  const background = startBackgroundWork({
    ctx,
    orders,
    cancellations,
    shows: showCancellations,
    retryIntervalMs: opts.retryIntervalMs ?? 5000,
    pruneIntervalMs: opts.pruneIntervalMs ?? 3600_000,
    keyRefreshMs: opts.keyRefreshMs ?? KEY_REFRESH_MS,
    shared,
  });
  app.addHook('onClose', async () => {
    // The cancellations first: the background pass may be in the middle of many.
    cancellations.stop();
    await background.stop();
    await showCancellations.stop();
    stopReminders();
    await stopMail();
    email?.close();
    providers.close();
    streams.close();
    await scans.flushAdmissions();
    await scans.outcomes.flush();
    await database.close();
  });

  const metricsUrl = opts.metricsPort === undefined ? undefined : await serveMetrics(app, opts.metricsPort);
  await app.listen({ port: opts.port, host: opts.host ?? '127.0.0.1' });
  const url = listenUrl(app);
  ctx.publicUrl = (opts.publicUrl ?? url).replace(/\/+$/, '');
  if (!opts.adminToken) app.log.warn('no admin token given: the admin API (/api/v1/admin/*) is off');
  if (Object.keys(ctx.payments).length === 0) app.log.warn('no payment method is configured: orders are refused (--demo turns on the demo method)');
  logReady(app, 'booking', { publicUrl: ctx.publicUrl, database: database.location, dialect: database.dialect, signingKey: keys.activeKeyId, metricsUrl });
  const loadStarted = performance.now();
  void issued
    .load(db, now())
    .then(() => ctx.log.info({ digests: issued.size, ms: Math.round(performance.now() - loadStarted) }, 'issued-ticket digests loaded: scans of them take the fast check'))
    .catch((err: unknown) => ctx.log.warn({ err: (err as Error).message }, 'could not load the digests of the issued tickets'));
  // Tickets of a retired key left by a retirement at start, or by a process that stopped mid-way.
  if (keys.retiredKeyIds().length > 0) {
    void reissueRetired(ctx).catch((err: unknown) => ctx.log.warn({ err: (err as Error).message }, 'could not sign again the tickets of a retired key'));
  }
  // After the ready line: the first ticket image should not pay for loading the fonts.
  setImmediate(() => {
    try {
      warmRenderer();
    } catch (err) {
      app.log.warn({ err: (err as Error).message }, 'ticket renderer could not preload its fonts');
    }
  }).unref();
  return { app, url, ctx, orders, reminders, catalogue, close: () => app.close() };
}

function bookingMetrics(app: App) {
  const registers = [app.metrics];
  return {
    batchSize: batchSizeHistogram(app.metrics, 'gatepost_group_commit_batch_size', 'writes committed together in one transaction'),
    providerCalls: new Histogram({
      name: 'gatepost_booking_provider_call_seconds',
      help: 'calls to verification servers by operation and outcome',
      labelNames: ['op', 'outcome'] as const,
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 1.5, 2.5, 5],
      registers,
    }),
    providerFailovers: new Counter({
      name: 'gatepost_booking_provider_failovers_total',
      help: 'calls to a provider with several instances sent again to another instance after one did not answer',
      labelNames: ['op'] as const,
      registers,
    }),
    providerInstanceUp: new Gauge({
      name: 'gatepost_booking_provider_instance_up',
      help: 'per instance of a provider with several: 0 while taken out after failing, 1 once it answers again',
      labelNames: ['provider', 'url'] as const,
      registers,
    }),
    orders: new Counter({ name: 'gatepost_booking_orders_total', help: 'order state changes', labelNames: ['state', 'reason'] as const, registers }),
    scans: new Counter({ name: 'gatepost_booking_scans_total', help: 'scan verdicts relayed to stations', labelNames: ['result', 'reason'] as const, registers }),
    catalogueCache: new Counter({
      name: 'gatepost_booking_catalogue_cache_total',
      help: 'catalogue answers (shows per provider, seat maps) by how the cache gave them: hit, stale (while a refresh runs), shared (a call under way), miss (a call of its own)',
      labelNames: ['kind', 'result'] as const,
      registers,
    }),
  };
}

/** One warning per provider and operation per 10 s: a provider that is down must not flood the log at gate rates. */
function throttledWarn(app: App) {
  const last = new Map<string, number>();
  return (providerId: string, op: string, detail: string) => {
    const key = `${providerId}|${op}`;
    const t = Date.now();
    if ((last.get(key) ?? 0) > t - 10_000) return;
    last.set(key, t);
    app.log.warn({ providerId, op, detail }, 'provider call failed');
  };
}

/** The HMAC key of share links: made once, sealed like the other secrets. */
async function shareSecret(db: Kysely<BookingDB>, sealer: Sealer): Promise<Buffer> {
  const place = SEALED.setting('share_secret');
  const stored = await setting(db, 'share_secret', () => sealer.seal(randomBytes(32).toString('base64'), place));
  return Buffer.from(sealer.open(stored, place), 'base64');
}

/** A server-wide value made once (the first process to start wins) and read by every process after. */
async function setting(db: Kysely<BookingDB>, name: string, make: () => string): Promise<string> {
  await db.insertInto('settings').values({ name, value: make() }).onConflict((oc) => oc.column('name').doNothing()).execute();
  const row = await db.selectFrom('settings').select('value').where('name', '=', name).executeTakeFirstOrThrow();
  return row.value;
}
