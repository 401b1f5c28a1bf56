// gatepost booking: the booking server (accounts, orders, tickets, the station relay).
import { startBooking } from '../server/booking/server.js';
import { parseFlags, portFlag, serverFlags, trustProxyFlag, UsageError, warnExposedSecrets } from './options.js';
import { onShutdown } from './shutdown.js';

export async function run(argv: string[]): Promise<void> {
  const exposed: string[] = [];
  const flags = parseFlags('booking', argv, {
    ...serverFlags('7700', '.gatepost/booking'),
    'admin-token': { type: 'string', env: 'GATEPOST_ADMIN_TOKEN', secret: true, help: 'bearer token of the admin API (16+ characters); the admin API is off without it' },
    'smtp-url': { type: 'string', env: 'SMTP_URL', secret: true, help: 'SMTP server for e-mail reminders (smtp://user:pass@host:port)' },
    'sms-webhook': { type: 'string', env: 'GATEPOST_SMS_WEBHOOK', help: 'URL the SMS adapter POSTs reminders to as JSON {to, text, id}' },
    'reminder-interval-ms': { type: 'string', env: 'GATEPOST_REMINDER_INTERVAL_MS', default: '15000', help: 'how often due reminders are looked for; 0 turns the sender off' },
    'public-url': { type: 'string', env: 'GATEPOST_PUBLIC_URL', help: 'URL customers and stations reach this server at (share links, setup QR)' },
    'rotate-key': { type: 'boolean', env: 'GATEPOST_ROTATE_KEY', help: 'add a new active platform signing key at start (old keys stay valid)' },
    'scan-reject-limit': { type: 'string', env: 'GATEPOST_SCAN_REJECT_LIMIT', default: '20', help: 'rejected scans a station may have per window before it is rate limited' },
    'scan-reject-window': { type: 'string', env: 'GATEPOST_SCAN_REJECT_WINDOW', default: '60', help: 'rate limit window, seconds' },
    demo: { type: 'boolean', env: 'GATEPOST_DEMO', help: 'demo mode: turns on payment method "demo" (orders paid without money)' },
    'metrics-port': { type: 'string', env: 'GATEPOST_METRICS_PORT', help: 'serve /metrics on 127.0.0.1:PORT without auth (else on the main port, with the admin token)' },
    'allow-insecure-http': { type: 'boolean', env: 'GATEPOST_ALLOW_INSECURE_HTTP', help: 'accept provider URLs over plain http off this host (logged as a warning)' },
    // Secrets at rest and leaked signing keys (server/booking/keys/).
    'secrets-key-file': { type: 'string', env: 'GATEPOST_SECRETS_KEY_FILE', help: 'file with 32 random bytes as base64 or hex, mode 0600: signing keys, provider secrets and the share secret are stored encrypted with it' },
    'retire-key': { type: 'string', env: 'GATEPOST_RETIRE_KEY', help: 'retire signing key ID at start: trusted nowhere after, its tickets signed again with the active key' },
  }, exposed);
  const retireKey = flags['retire-key'] === undefined ? undefined : positive(flags['retire-key'], 'retire-key');
  const adminToken = flags['admin-token'];
  if (adminToken !== undefined && adminToken.length < 16) throw new UsageError('--admin-token must be at least 16 characters');
  const publicUrl = flags['public-url'];
  if (publicUrl !== undefined && !/^https?:\/\/[^\s]+$/.test(publicUrl)) throw new UsageError('--public-url must be an http(s) URL');
  const booking = await startBooking({
    secretsKeyFile: flags['secrets-key-file'],
    retireKeyId: retireKey,
    port: portFlag(flags.port),
    host: flags.host,
    dataDir: flags.data!,
    databaseUrl: flags['database-url'],
    adminToken,
    publicUrl,
    rotateKey: flags['rotate-key'],
    demo: flags.demo,
    smtpUrl: flags['smtp-url'],
    smsWebhookUrl: flags['sms-webhook'],
    reminderIntervalMs: nonNegative(flags['reminder-interval-ms'], 'reminder-interval-ms'),
    trustProxy: trustProxyFlag(flags['trust-proxy']),
    metricsPort: flags['metrics-port'] === undefined ? undefined : portFlag(flags['metrics-port'], 'metrics-port'),
    allowInsecureHttp: flags['allow-insecure-http'],
    rateLimit: { maxRejections: positive(flags['scan-reject-limit'], 'scan-reject-limit'), windowS: positive(flags['scan-reject-window'], 'scan-reject-window') },
  });
  warnExposedSecrets(booking.app.log, exposed);
  onShutdown(() => booking.close());
}

function positive(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`--${name} must be a positive integer, got "${value}"`);
  return n;
}

function nonNegative(value: string | undefined, name: string): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0) throw new UsageError(`--${name} must be a whole number, got "${value}"`);
  return n;
}
