// pino JSON logs. Secrets never reach a log line: request headers that carry
// them are redacted wherever they appear, and routes never log bodies.
import type { LoggerOptions } from 'pino';

export const REDACTED_PATHS = [
  'req.headers.authorization',
  'req.headers["gatepost-signature"]',
  'headers.authorization',
  'headers["gatepost-signature"]',
  '*.secret',
  '*.token',
  '*.password',
];

export function loggerOptions(name: string): LoggerOptions {
  return {
    name,
    level: process.env.GATEPOST_LOG_LEVEL ?? 'info',
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
  };
}
