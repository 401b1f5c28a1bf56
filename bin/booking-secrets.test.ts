// `gatepost booking` with a secrets key file and key retirement, as an operator
// runs it (real processes, a real SQLite file): a database used without a key
// is sealed when the key is given (flag or environment), and refused after
// without it; a key file others may read is refused; --retire-key retires a
// key at start. Every refusal is one line naming what to fix, exit status 2,
// no stack trace.
import { randomBytes } from 'node:crypto';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, expect, it } from 'vitest';
import { startGatepost } from '../testing/processes.js';

const dir = mkdtempSync(join(tmpdir(), 'gp-booking-secrets-'));
const data = join(dir, 'data');
const keyFile = join(dir, 'secrets.key');
const ADMIN = 'admin-token-for-cli-secrets-0123';
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const boot = (extra: string[], env: Record<string, string> = {}) =>
  startGatepost(['booking', '--port', '0', '--data', data, '--admin-token', ADMIN, '--reminder-interval-ms', '0', ...extra], env);

/** The start is refused: exit 2 and one line (no stack trace) matching `why`. */
async function refused(extra: string[], why: RegExp, env: Record<string, string> = {}): Promise<void> {
  const err = (await boot(extra, env).then(
    () => expect.fail('the server started'),
    (e: unknown) => e,
  )) as Error;
  const [head, ...output] = err.message.split('\n');
  expect(head).toBe('gatepost booking exited with 2 before it was ready:');
  const text = output.join('\n');
  expect(text).toMatch(why);
  expect(text).not.toMatch(/^\s+at /m);
  expect(output.filter((l) => l.trim() !== '')).toHaveLength(1);
}

it('seals a database used without a key, refuses it without the key after, and refuses an open key file', { timeout: 120_000 }, async () => {
  const plain = await boot([]);
  await plain.stop();
  expect(readFileSync(join(data, 'booking.sqlite')).includes(Buffer.from('gp-sealed:v1:'))).toBe(false);

  writeFileSync(keyFile, randomBytes(32).toString('base64') + '\n', { mode: 0o600 });
  chmodSync(keyFile, 0o644);
  await refused(['--secrets-key-file', keyFile], /may be read by group or others \(mode 644\): run chmod 600/);

  chmodSync(keyFile, 0o600);
  const sealed = await boot([], { GATEPOST_SECRETS_KEY_FILE: keyFile });
  expect(sealed.output.join('\n')).toContain('stored secrets sealed with the secrets key');
  await sealed.stop();
  expect(readFileSync(join(data, 'booking.sqlite')).includes(Buffer.from('gp-sealed:v1:'))).toBe(true);

  await refused([], /this database's secrets are encrypted .*: start with --secrets-key-file FILE \(env GATEPOST_SECRETS_KEY_FILE\)/);
});

it('--retire-key retires a key at start; an unknown key ID is refused', { timeout: 120_000 }, async () => {
  await refused(['--secrets-key-file', keyFile, '--retire-key', '99'], /--retire-key 99: there is no signing key 99/);
  await refused(['--secrets-key-file', keyFile, '--retire-key', 'one'], /--retire-key must be a positive integer/);
  const booking = await boot(['--secrets-key-file', keyFile, '--retire-key', '1']);
  try {
    const { keys } = (await (await fetch(`${booking.url}/api/v1/keys`)).json()) as { keys: { keyId: number }[] };
    expect(keys.map((k) => k.keyId)).toEqual([2]);
    expect(booking.output.join('\n')).toMatch(/"keyId":1,"activeKeyId":2.*platform signing key retired/);
  } finally {
    await booking.stop();
  }
});
