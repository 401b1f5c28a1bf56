// Flag parsing shared by every command: each flag may also come from an
// environment variable (GATEPOST_PORT for --port, and so on), flags win.
// A secret may also come from a file (--admin-token-file, env
// GATEPOST_ADMIN_TOKEN_FILE): any local user can read a process's arguments
// with `ps`, while a file can be readable by the service account only.
import { readFileSync } from 'node:fs';
import { isIP } from 'node:net';
import { parseArgs } from 'node:util';

export interface FlagSpec {
  type: 'string' | 'boolean';
  /** the value's name in --help (default VALUE) */
  arg?: string;
  env?: string;
  default?: string | boolean;
  help: string;
  /** a secret: also taken from --NAME-file / env NAME_FILE, and flagged by `exposed` when given on the command line */
  secret?: boolean;
}

export class UsageError extends Error {
  code = 'E_USAGE';
}

/** `exposed` collects the secret flags given as values on the command line, to warn about (warnExposedSecrets). */
export function parseFlags<T extends Record<string, FlagSpec>>(
  command: string,
  argv: string[],
  spec: T,
  exposed: string[] = [],
): { [K in keyof T]: T[K]['type'] extends 'boolean' ? boolean : string | undefined } {
  const options = Object.fromEntries(Object.entries(spec).map(([k, s]) => [k, { type: s.type }])) as Record<
    string,
    { type: 'string' | 'boolean'; short?: string }
  >;
  for (const [k, s] of Object.entries(spec)) if (s.secret) options[`${k}-file`] = { type: 'string' };
  options.help = { type: 'boolean', short: 'h' };
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  if (values.help) {
    console.log(helpText(command, spec));
    process.exit(0);
  }
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(spec)) {
    let fromFlag = values[k];
    let fromEnv = s.env ? process.env[s.env] : undefined;
    if (s.secret) {
      fromFlag = secretValue(k, fromFlag as string | undefined, values[`${k}-file`] as string | undefined, `--${k}`);
      if (values[k] !== undefined) exposed.push(k);
      if (s.env) fromEnv = secretValue(k, fromEnv || undefined, process.env[`${s.env}_FILE`] || undefined, s.env);
    }
    if (fromFlag !== undefined) out[k] = fromFlag;
    else if (fromEnv !== undefined && fromEnv !== '') out[k] = s.type === 'boolean' ? /^(1|true|yes)$/i.test(fromEnv) : fromEnv;
    else out[k] = s.default ?? (s.type === 'boolean' ? false : undefined);
  }
  return out as never;
}

/** The flags every server takes: where it listens, where it keeps its SQLite file, and the database to use instead. */
export function serverFlags(port: string, data: string) {
  return {
    port: { type: 'string', env: 'GATEPOST_PORT', default: port, help: 'port to listen on' },
    host: { type: 'string', env: 'GATEPOST_HOST', default: '127.0.0.1', help: 'address to listen on (0.0.0.0 for all)' },
    data: { type: 'string', env: 'GATEPOST_DATA', default: data, help: 'data folder (SQLite file)' },
    'database-url': { type: 'string', env: 'DATABASE_URL', secret: true, help: 'PostgreSQL URL; SQLite under --data when unset' },
    'trust-proxy': { type: 'string', env: 'GATEPOST_TRUST_PROXY', help: 'reverse proxies (addresses or CIDRs, comma-separated) whose X-Forwarded-For names the client' },
  } as const satisfies Record<string, FlagSpec>;
}

export function portFlag(value: string | undefined, name = 'port'): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${name} must be a port number 0–65535, got "${value}"`);
  return n;
}

/** Variables every command reads besides its flags' own. */
export const COMMON_ENVIRONMENT: Record<string, string> = {
  GATEPOST_LOG_LEVEL: 'log level: trace, debug, info, warn, error, fatal or silent [default: info]',
};

/** Variables read by one command only, besides its flags' own. */
const COMMAND_ENVIRONMENT: Record<string, Record<string, string>> = {
  station: {
    GATEPOST_STATION_DIR: 'the station\'s data folder (config, journal, offline bundle) [default: the user data folder]',
    GATEPOST_STATION_HEARTBEAT_MS: 'how often the station reports its state to the booking server, in ms [default: 30000]',
  },
};

/** Columns: a label, at least two spaces, then its text; a label too long for the column puts its text on the next line. */
export function columns(rows: [string, string][], indent = 2, max = 34): string {
  const width = Math.min(max, Math.max(...rows.map(([label]) => label.length))) + 2;
  const pad = ' '.repeat(indent);
  return rows
    .map(([label, text]) => (label.length + 2 > width ? `${pad}${label}\n${pad}${' '.repeat(width)}${text}` : `${pad}${label.padEnd(width)}${text}`))
    .join('\n');
}

/** `gatepost COMMAND --help`: every flag with its default and environment variable, then the other variables read. */
export function helpText(command: string, spec: Record<string, FlagSpec>): string {
  const rows: [string, string][] = [];
  for (const [k, s] of Object.entries(spec)) {
    const notes = [s.default !== undefined && s.default !== false ? `default: ${s.default}` : '', s.env ? `env: ${s.env}` : ''].filter(Boolean);
    rows.push([`--${k}${s.type === 'string' ? ` ${s.arg ?? 'VALUE'}` : ''}`, `${s.help}${notes.length ? ` [${notes.join('; ')}]` : ''}`]);
    if (s.secret) rows.push([`--${k}-file FILE`, `the same, read from FILE (one trailing newline dropped)${s.env ? ` [env: ${s.env}_FILE]` : ''}`]);
  }
  rows.push(['-h, --help', 'this help']);
  const env = { ...COMMON_ENVIRONMENT, ...COMMAND_ENVIRONMENT[command.split(' ')[0]!] };
  return `usage: gatepost ${command} [options]\n\nOptions:\n${columns(rows)}\n\nEnvironment (besides each option's, above):\n${columns(Object.entries(env))}`;
}

/** A secret given directly or as a file holding it (one trailing newline dropped: `echo x > file` works). */
function secretValue(name: string, direct: string | undefined, file: string | undefined, given: string): string | undefined {
  if (file === undefined) return direct;
  if (direct !== undefined) throw new UsageError(`give ${given} or ${given}${given.startsWith('--') ? '-file' : '_FILE'}, not both`);
  let text: string;
  try {
    text = readFileSync(file, 'utf8');
  } catch (err) {
    throw new UsageError(`--${name}-file: cannot read "${file}" (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
  }
  const value = text.replace(/\r?\n$/, '');
  if (value === '') throw new UsageError(`--${name}-file: "${file}" is empty`);
  return value;
}

/** One warning per secret given on the command line: it names the flag, never the value. */
export function warnExposedSecrets(log: { warn(obj: object, msg: string): void }, exposed: string[]): void {
  for (const name of exposed) {
    log.warn({ flag: `--${name}` }, `--${name} was given on the command line, where any local user can read it (ps): use --${name}-file or its environment variable`);
  }
}

/** `--trust-proxy`: addresses or CIDR ranges (comma- or space-separated) of the reverse proxies whose X-Forwarded-For is believed. */
export function trustProxyFlag(value: string | undefined): string[] | undefined {
  if (value === undefined || value.trim() === '') return undefined;
  const entries = value.split(/[\s,]+/).filter(Boolean);
  for (const entry of entries) {
    const [address, bits, extra] = entry.split('/');
    const family = isIP(address ?? '');
    const max = family === 6 ? 128 : 32;
    const badBits = bits !== undefined && (!/^\d{1,3}$/.test(bits) || Number(bits) > max);
    if (!family || badBits || extra !== undefined) {
      throw new UsageError(`--trust-proxy: "${entry}" is not an IP address or CIDR range (e.g. 10.0.0.5, 10.0.0.0/8, ::1)`);
    }
  }
  return entries;
}
