// Starts one verification server: database, migrations, routes, listen.
import { sql, type Kysely } from 'kysely';
import { Gauge } from 'prom-client';
import { createApp, logReady, type App } from '../common/app.js';
import { logConnectionLost, openDatabase } from '../common/db.js';
import { GroupCommit } from '../common/group-commit.js';
import { batchSizeHistogram } from '../common/metrics.js';
import { admissionPool, BatchAdmission, VerifyBatches } from './admission-batch.js';
import type { ProviderContext } from './context.js';
import { demoProgramme, loadProgramme, type Programme } from './programme.js';
import { annulmentRoutes } from './routes/annulments.js';
import { codeRoutes } from './routes/codes.js';
import { programmeAdminRoutes } from './routes/programme-admin.js';
import { showRoutes } from './routes/shows.js';
import { verifyRoutes } from './routes/verify.js';
import { providerMigrations, type ProviderDB } from './schema.js';
import { signatureAuth } from './signature-auth.js';
import { NONCE_BUCKET_S, SharedNonces } from './shared-nonces.js';

export interface ProviderOptions {
  port: number;
  host?: string;
  dataDir: string;
  databaseUrl?: string;
  bookingSecret: string;
  /** while the booking server changes secrets: the old one, still accepted */
  previousBookingSecret?: string;
  /** nonces of signed requests held at most; past it new requests get 503 (default DEFAULT_REPLAY_CAP) */
  replayCap?: number;
  demo?: boolean;
  programme?: Programme;
  /** epoch seconds */
  now?: () => number;
  logger?: Parameters<typeof createApp>[0]['logger'];
  /** reverse proxies (addresses, CIDR ranges) whose X-Forwarded-For names the client */
  trustProxy?: string[];
}

export interface RunningProvider {
  app: App;
  url: string;
  close(): Promise<void>;
}

export const MIN_SECRET_LENGTH = 16;

export async function startProvider(opts: ProviderOptions): Promise<RunningProvider> {
  for (const s of [opts.bookingSecret, opts.previousBookingSecret]) {
    if (s !== undefined && s.length < MIN_SECRET_LENGTH) throw new Error(`the booking secret must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  const now = opts.now ?? (() => Math.floor(Date.now() / 1000));
  // The app (and its logger) is made once the database is open.
  let log: App['log'] | undefined = undefined;
  const authenticate = signatureAuth(opts.bookingSecret, now, {
    previousSecret: opts.previousBookingSecret,
    replayCap: opts.replayCap,
    onFull: (held) => log?.warn({ held }, 'replay window full: new requests get 503 until the oldest nonces leave the window'),
  });
  const database = await openDatabase<ProviderDB>({
    onConnectionLost: (err) => logConnectionLost(log, err),
    dataDir: opts.dataDir,
    file: 'provider.sqlite',
    databaseUrl: opts.databaseUrl,
    migrations: providerMigrations(opts.databaseUrl ? 'postgres' : 'sqlite'),
  });
  const { db } = database;
  if (opts.demo) await loadProgramme(db, demoProgramme(now()));
  if (opts.programme) await loadProgramme(db, opts.programme);

  const app = await createApp({
    name: 'gatepost-provider',
    description: 'Gatepost verification server: shows, seats, ticket codes, redemption. Every request but /healthz is signed by the booking server.',
    authenticate,
    healthCheck: async () => {
      await sql`select 1`.execute(db);
    },
    logger: opts.logger,
    trustProxy: opts.trustProxy,
  });
  log = app.log;
  const writes = new GroupCommit(db, database.dialect === 'postgres' ? 8 : 1);
  const batchSize = batchSizeHistogram(app.metrics, 'gatepost_group_commit_batch_size', 'writes committed together in one transaction');
  writes.onBatch = (n) => batchSize.observe(n);
  new Gauge({
    name: 'gatepost_provider_replay_window_nonces',
    help: 'nonces of signed requests held to refuse replays',
    registers: [app.metrics],
    collect() {
      this.set(authenticate.nonces.size);
    },
  });
  const shared = database.dialect === 'postgres' ? await shareNonces(app, db, now) : undefined;
  const ctx: ProviderContext = { db, writes, sync: database.sync, now };
  const pool = shared && opts.databaseUrl ? admissionPool(opts.databaseUrl, (err) => logConnectionLost(log, err)) : undefined;
  if (shared && pool) {
    // A verify's nonce is claimed in its admission statement: one round trip and one commit.
    authenticate.share(shared.store, ['POST /v1/verify']);
    const batch = new BatchAdmission(db, shared.store, pool);
    const verifies = new VerifyBatches(batch);
    const admissionBatch = batchSizeHistogram(app.metrics, 'gatepost_provider_admission_batch_size', 'verifies decided together in one admission statement (PostgreSQL)');
    verifies.onBatch = (n) => admissionBatch.observe(n);
    ctx.admission = { batch, verifies, nonces: shared.store };
  }
  await showRoutes(app, ctx);
  await programmeAdminRoutes(app, ctx);
  await codeRoutes(app, ctx);
  await verifyRoutes(app, ctx);
  await annulmentRoutes(app, ctx);
  app.addHook('onClose', async () => {
    shared?.stop();
    await pool?.end();
    await database.close();
  });

  await app.listen({ port: opts.port, host: opts.host ?? '127.0.0.1' });
  const url = logReady(app, 'provider', { database: database.location, dialect: database.dialect });
  return { app, url, close: () => app.close() };
}

/**
 * PostgreSQL: every provider process on the database refuses a nonce any of
 * them has seen (shared-nonces.ts). Old buckets are deleted once at start and
 * then every bucket's length, by each process; returns the window and what stops the pruning.
 */
async function shareNonces(app: App, db: Kysely<ProviderDB>, now: () => number): Promise<{ store: SharedNonces; stop: () => void }> {
  const store = new SharedNonces(db as Kysely<unknown>);
  const batchSize = batchSizeHistogram(app.metrics, 'gatepost_provider_nonce_batch_size', 'nonces claimed together in one statement in the shared window (PostgreSQL)');
  store.onBatch = (n) => batchSize.observe(n);
  let pruning = false;
  const prune = () => {
    if (pruning) return Promise.resolve();
    pruning = true;
    return store
      .prune(now())
      .then(
        (n) => n > 0 && app.log.debug({ removed: n }, 'nonces out of the window removed'),
        (err: unknown) => app.log.warn({ err: (err as Error).message }, 'could not prune the shared nonce window'),
      )
      .finally(() => (pruning = false));
  };
  // Before listening, so a process that was down starts from a clean table.
  await prune();
  const timer = setInterval(() => void prune(), NONCE_BUCKET_S * 1000);
  timer.unref();
  return { store, stop: () => clearInterval(timer) };
}
