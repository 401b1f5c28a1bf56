import { describe, expect, it } from 'vitest';
import { checkSignature, signRequest } from './signature.js';

describe('request signature', () => {
  const secret = 'secret-0123456789abcdef';
  const now = 1_800_000_000;

  it('accepts its own signature and refuses any change to method, path, body or secret', () => {
    const header = signRequest(secret, 'POST', '/v1/verify?x=1', '{"a":1}', now);
    expect(checkSignature(secret, header, 'POST', '/v1/verify?x=1', '{"a":1}', now).ok).toBe(true);
    expect(checkSignature(secret, header, 'GET', '/v1/verify?x=1', '{"a":1}', now)).toEqual({ ok: false, reason: 'signature_mismatch' });
    expect(checkSignature(secret, header, 'POST', '/v1/verify?x=2', '{"a":1}', now)).toEqual({ ok: false, reason: 'signature_mismatch' });
    expect(checkSignature(secret, header, 'POST', '/v1/verify?x=1', '{"a":2}', now)).toEqual({ ok: false, reason: 'signature_mismatch' });
    expect(checkSignature('other-secret-0123456', header, 'POST', '/v1/verify?x=1', '{"a":1}', now)).toEqual({ ok: false, reason: 'signature_mismatch' });
  });

  it('refuses a signature more than 300 s away, either way', () => {
    const header = signRequest(secret, 'GET', '/v1/shows', '', now);
    expect(checkSignature(secret, header, 'GET', '/v1/shows', '', now + 300).ok).toBe(true);
    expect(checkSignature(secret, header, 'GET', '/v1/shows', '', now + 301)).toEqual({ ok: false, reason: 'signature_expired' });
    expect(checkSignature(secret, header, 'GET', '/v1/shows', '', now - 301)).toEqual({ ok: false, reason: 'signature_expired' });
  });

  it('refuses malformed headers', () => {
    for (const h of [undefined, '', 't=1', 't=x,n=y,v1=z', 'garbage', 'a'.repeat(400)]) {
      expect(checkSignature(secret, h, 'GET', '/', '', now)).toEqual({ ok: false, reason: 'bad_signature_header' });
    }
  });

  it('uses a fresh 128-bit nonce every time', () => {
    const nonces = new Set(Array.from({ length: 100 }, () => /n=([0-9a-f]{32})/.exec(signRequest(secret, 'GET', '/', '', now))![1]));
    expect(nonces.size).toBe(100);
  });
});
