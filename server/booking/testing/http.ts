// Test support: plain HTTP calls to the booking server, as a browser or a
// station makes them (bearer tokens, JSON), keeping the raw bytes for images.
export interface Reply<T = unknown> {
  status: number;
  body: T;
  text: string;
  bytes: Buffer;
  headers: Headers;
}

export interface CallOptions {
  body?: unknown;
  token?: string;
  headers?: Record<string, string>;
  /** raw body text instead of JSON.stringify(body) */
  raw?: string;
  contentType?: string;
}

export function bookingClient(baseUrl: string) {
  async function call<T = unknown>(method: string, path: string, opts: CallOptions = {}): Promise<Reply<T>> {
    const text = opts.raw ?? (opts.body === undefined ? undefined : JSON.stringify(opts.body));
    const headers: Record<string, string> = { ...opts.headers };
    if (text !== undefined) headers['content-type'] = opts.contentType ?? 'application/json';
    if (opts.token) headers.authorization = `Bearer ${opts.token}`;
    const res = await fetch(path.startsWith('http') ? path : baseUrl + path, { method, headers, body: text });
    const bytes = Buffer.from(await res.arrayBuffer());
    const resText = bytes.toString('utf8');
    let parsed: unknown = resText;
    try {
      parsed = JSON.parse(resText);
    } catch {
      // not JSON
    }
    return { status: res.status, body: parsed as T, text: resText, bytes, headers: res.headers };
  }
  return {
    call,
    get: <T = unknown>(path: string, opts?: CallOptions) => call<T>('GET', path, opts),
    post: <T = unknown>(path: string, body: unknown, opts?: CallOptions) => call<T>('POST', path, { ...opts, body }),
    delete: <T = unknown>(path: string, opts?: CallOptions) => call<T>('DELETE', path, opts),
  };
}

export type BookingClient = ReturnType<typeof bookingClient>;
