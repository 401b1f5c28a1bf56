// Secrets at rest: the booking server's signing keys, provider secrets and
// share secret are sealed with AES-256-GCM under a key the database never
// holds (--secrets-key-file), so a copied database file or backup gives none
// of them away.
//
// A sealed value is text: `gp-sealed:v1:` + base64url(12-byte IV ‖ ciphertext
// ‖ 16-byte tag). The additional data names the value's table, column and row,
// so a sealed value moved to another row (a provider's secret into another
// provider, an old key over the active one) fails to open.
//
// The key file holds 32 random bytes as one line of base64 (`openssl rand
// -base64 32`) or hex (`openssl rand -hex 32`), readable by its owner only.
import { createCipheriv, createDecipheriv, randomBytes } from 'node:crypto';
import { readFileSync, statSync } from 'node:fs';
import { StartError } from '../../common/start-error.js';

export const SEALED_PREFIX = 'gp-sealed:v1:';
const IV_BYTES = 12;
const TAG_BYTES = 16;
export const SECRETS_KEY_BYTES = 32;

/** Where a sealed value lives: what its additional data binds it to. */
export interface SealedPlace {
  table: string;
  column: string;
  row: string;
}

/** Every column holding a sealed value, by row. */
export const SEALED = {
  signingKey: (keyId: number): SealedPlace => ({ table: 'signing_keys', column: 'private_key', row: String(keyId) }),
  providerSecret: (providerId: string): SealedPlace => ({ table: 'providers', column: 'secret', row: providerId }),
  setting: (name: string): SealedPlace => ({ table: 'settings', column: 'value', row: name }),
};
/** The settings that are secrets. */
export const SEALED_SETTINGS = ['share_secret'];

/** A start the operator must fix (key file missing, wrong or unreadable): one line, no stack. */
export class SecretsKeyError extends StartError {}

export interface Sealer {
  /** whether values are sealed (a key file was given) */
  readonly sealing: boolean;
  seal(value: string, place: SealedPlace): string;
  /** The stored text as plaintext; a value stored before the key was given passes through. */
  open(stored: string, place: SealedPlace): string;
}

export const isSealed = (stored: string) => stored.startsWith(SEALED_PREFIX);

const aad = (p: SealedPlace) => Buffer.from(`gatepost-sealed\0v1\0${p.table}\0${p.column}\0${p.row}`, 'utf8');
const describe = (p: SealedPlace) => `${p.table}.${p.column} of ${p.row}`;

/** Without a key: values are stored as they are, and a sealed one stops the start with the flag to give. */
export const PLAINTEXT: Sealer = {
  sealing: false,
  seal: (value) => value,
  open(stored, place) {
    if (isSealed(stored)) {
      throw new SecretsKeyError(
        `this database's secrets are encrypted (${describe(place)}): start with --secrets-key-file FILE (env GATEPOST_SECRETS_KEY_FILE) naming the key file they were sealed with`,
      );
    }
    return stored;
  },
};

export function keySealer(key: Buffer): Sealer {
  if (key.length !== SECRETS_KEY_BYTES) throw new SecretsKeyError(`a secrets key is ${SECRETS_KEY_BYTES} bytes, not ${key.length}`);
  const secretKey = Buffer.from(key);
  return {
    sealing: true,
    seal(value, place) {
      const iv = randomBytes(IV_BYTES);
      const cipher = createCipheriv('aes-256-gcm', secretKey, iv);
      cipher.setAAD(aad(place));
      const body = Buffer.concat([cipher.update(value, 'utf8'), cipher.final()]);
      return SEALED_PREFIX + Buffer.concat([iv, body, cipher.getAuthTag()]).toString('base64url');
    },
    open(stored, place) {
      if (!isSealed(stored)) return stored;
      const raw = Buffer.from(stored.slice(SEALED_PREFIX.length), 'base64url');
      if (raw.length < IV_BYTES + TAG_BYTES) throw new SecretsKeyError(`the sealed ${describe(place)} is cut short`);
      const decipher = createDecipheriv('aes-256-gcm', secretKey, raw.subarray(0, IV_BYTES));
      decipher.setAAD(aad(place));
      decipher.setAuthTag(raw.subarray(raw.length - TAG_BYTES));
      try {
        return Buffer.concat([decipher.update(raw.subarray(IV_BYTES, raw.length - TAG_BYTES)), decipher.final()]).toString('utf8');
      } catch {
        throw new SecretsKeyError(
          `the sealed ${describe(place)} does not open with this key: --secrets-key-file names another key than the one it was sealed with (or the value was altered or moved)`,
        );
      }
    },
  };
}

/**
 * Reads a key file: refused when group or others may read it (a key that any
 * local user can read protects nothing) or when it is not 32 bytes of base64 or hex.
 */
export function readSecretsKeyFile(file: string): Buffer {
  let text: string;
  try {
    const mode = statSync(file).mode;
    if (process.platform !== 'win32' && (mode & 0o077) !== 0) {
      throw new SecretsKeyError(
        `--secrets-key-file ${file} may be read by group or others (mode ${(mode & 0o777).toString(8)}): run chmod 600 ${file}`,
      );
    }
    text = readFileSync(file, 'utf8').trim();
  } catch (err) {
    if (err instanceof SecretsKeyError) throw err;
    throw new SecretsKeyError(`--secrets-key-file ${file} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const key = /^[0-9a-fA-F]{64}$/.test(text)
    ? Buffer.from(text, 'hex')
    : /^[A-Za-z0-9+/]{43}=$/.test(text) || /^[A-Za-z0-9_-]{43}$/.test(text)
      ? Buffer.from(text, 'base64')
      : undefined;
  if (!key || key.length !== SECRETS_KEY_BYTES) {
    throw new SecretsKeyError(
      `--secrets-key-file ${file} must hold ${SECRETS_KEY_BYTES} random bytes as one line of base64 (openssl rand -base64 32) or hex (openssl rand -hex 32)`,
    );
  }
  return key;
}
