// JSON requests to the booking server's API. Every failure becomes an
// ApiError with the response's stable `error` reason (or `network` when the
// server could not be reached); the apps pick their sentence by that reason.
export class ApiError extends Error {
  constructor(
    readonly status: number,
    /** the server's `error` reason, or `network` */
    readonly reason: string,
    message: string,
  ) {
    super(message);
  }
}

export interface RequestOptions {
  token?: string | null;
  body?: unknown;
  headers?: Record<string, string>;
}

export async function request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
  const headers: Record<string, string> = { accept: 'application/json', ...opts.headers };
  if (opts.token) headers.authorization = `Bearer ${opts.token}`;
  if (opts.body !== undefined) headers['content-type'] = 'application/json';
  let res: Response;
  try {
    res = await fetch(path, { method, headers, body: opts.body === undefined ? undefined : JSON.stringify(opts.body) });
  } catch {
    throw new ApiError(0, 'network', 'the server could not be reached');
  }
  if (res.ok) return res;
  let reason = res.status === 404 ? 'not_found' : res.status >= 500 ? 'internal' : 'bad_request';
  let message = `HTTP ${res.status}`;
  try {
    const body = (await res.json()) as { error?: unknown; message?: unknown };
    if (typeof body.error === 'string') reason = body.error;
    if (typeof body.message === 'string') message = body.message;
  } catch {
    // not JSON (a proxy's error page): keep the status-based reason
  }
  // A gateway in front of the server that is down answers 502/504 without a body of ours.
  if ((res.status === 502 || res.status === 504) && reason === 'internal') reason = 'network';
  throw new ApiError(res.status, reason, message);
}

/** The answer's JSON body; undefined for a 204. */
export async function requestJson<T>(method: string, path: string, opts?: RequestOptions): Promise<T> {
  const res = await request(method, path, opts);
  if (res.status === 204) return undefined as T;
  return (await res.json()) as T;
}
