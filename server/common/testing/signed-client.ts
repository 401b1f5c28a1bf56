// Test support: HTTP calls to a verification server, signed the way the
// booking server signs them (or deliberately not).
import { signRequest, SIGNATURE_HEADER } from '../../../protocol/signature.js';

export interface Reply<T = unknown> {
  status: number;
  body: T;
  text: string;
}

export interface CallOptions {
  /** send this header value instead of a correct signature; null sends none */
  signature?: string | null;
  /** raw body text instead of JSON.stringify(body) */
  raw?: string;
  contentType?: string;
}

export function signedClient(baseUrl: string, secret: string) {
  async function call<T = unknown>(method: string, path: string, body?: unknown, opts: CallOptions = {}): Promise<Reply<T>> {
    const text = opts.raw ?? (body === undefined ? '' : JSON.stringify(body));
    const headers: Record<string, string> = {};
    if (text) headers['content-type'] = opts.contentType ?? 'application/json';
    const signature = opts.signature === undefined ? signRequest(secret, method, path, text) : opts.signature;
    if (signature !== null) headers[SIGNATURE_HEADER] = signature;
    const res = await fetch(baseUrl + path, { method, headers, body: text || undefined });
    const resText = await res.text();
    let parsed: unknown = resText;
    try {
      parsed = JSON.parse(resText);
    } catch {
      // not JSON (metrics, say)
    }
    return { status: res.status, body: parsed as T, text: resText };
  }
  return {
    call,
    get: <T = unknown>(path: string, opts?: CallOptions) => call<T>('GET', path, undefined, opts),
    post: <T = unknown>(path: string, body: unknown, opts?: CallOptions) => call<T>('POST', path, body, opts),
  };
}
