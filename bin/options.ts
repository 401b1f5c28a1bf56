// Flag parsing shared by every command: each flag may also come from an
// environment variable (GATEPOST_PORT for --port, and so on), flags win.
import { parseArgs } from 'node:util';

export interface FlagSpec {
  type: 'string' | 'boolean';
  env?: string;
  default?: string | boolean;
  help: string;
}

export class UsageError extends Error {
  code = 'E_USAGE';
}

export function parseFlags<T extends Record<string, FlagSpec>>(
  command: string,
  argv: string[],
  spec: T,
): { [K in keyof T]: T[K]['type'] extends 'boolean' ? boolean : string | undefined } {
  const options = Object.fromEntries(Object.entries(spec).map(([k, s]) => [k, { type: s.type }])) as Record<
    string,
    { type: 'string' | 'boolean' }
  >;
  options.help = { type: 'boolean' };
  const { values } = parseArgs({ args: argv, options, strict: true, allowPositionals: false });
  if (values.help) {
    console.log(
      `usage: gatepost ${command} [options]\n\n` +
        Object.entries(spec)
          .map(([k, s]) => `  --${k}${s.type === 'string' ? ' VALUE' : ''}`.padEnd(26) + `${s.help}${s.env ? ` (env ${s.env})` : ''}`)
          .join('\n'),
    );
    process.exit(0);
  }
  const out: Record<string, unknown> = {};
  for (const [k, s] of Object.entries(spec)) {
    const fromFlag = values[k];
    const fromEnv = s.env ? process.env[s.env] : undefined;
    if (fromFlag !== undefined) out[k] = fromFlag;
    else if (fromEnv !== undefined && fromEnv !== '') out[k] = s.type === 'boolean' ? /^(1|true|yes)$/i.test(fromEnv) : fromEnv;
    else out[k] = s.default ?? (s.type === 'boolean' ? false : undefined);
  }
  return out as never;
}

export function portFlag(value: string | undefined, name = 'port'): number {
  const n = Number(value);
  if (!Number.isInteger(n) || n < 0 || n > 65535) throw new UsageError(`--${name} must be a port number 0–65535, got "${value}"`);
  return n;
}
