// Errors a route throws on purpose: a status and a stable reason code that
// clients switch on. Anything else becomes a 500 `internal` with no detail.
import type { ErrorReason } from '../../protocol/reasons.js';

export class HttpError extends Error {
  constructor(
    readonly statusCode: number,
    readonly reason: ErrorReason,
    message: string,
    /** response headers that go with it, e.g. Retry-After */
    readonly headers?: Record<string, string>,
  ) {
    super(message);
  }
}

export const badRequest = (message: string, reason: ErrorReason = 'bad_request') => new HttpError(400, reason, message);
export const notFound = (reason: ErrorReason, message: string) => new HttpError(404, reason, message);
export const conflict = (reason: ErrorReason, message: string) => new HttpError(409, reason, message);
export const unauthorized = (reason: ErrorReason, message: string) => new HttpError(401, reason, message);
export const unavailable = (reason: ErrorReason, message: string, retryAfterS: number) =>
  new HttpError(503, reason, message, { 'retry-after': String(retryAfterS) });
