// The station's log: pino JSON lines on stdout. The station token, the PIN and
// whatever a scanner read (a ticket is a bearer credential) never appear: fields
// that could carry them are redacted wherever they are, and the core logs scan
// IDs, never payloads.
import pino, { type Logger } from 'pino';

export const REDACTED = ['token', '*.token', 'pin', '*.pin', 'pinHash', '*.pinHash', 'payload', '*.payload', 'text', '*.text', 'enrollment', '*.enrollment', 'headers.authorization'];

export function createLogger(level = process.env.GATEPOST_LOG_LEVEL ?? 'info'): Logger {
  return pino({ name: 'gatepost-station', level, redact: { paths: REDACTED, censor: '[redacted]' } });
}

export type { Logger };
