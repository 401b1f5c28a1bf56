// Enrollment: a one-time code (typed, or from the GPS1: setup QR) exchanged for
// the station token, which goes straight into the config file and nowhere else.
import { normalizeEnrollment } from '../../protocol/booking-api.js';
import { BookingClient } from '../../server-client/index.js';
import { configSchema, INSECURE_HTTP_MESSAGE, insecureServerUrl } from '../config/schema.js';
import type { ConfigStore } from '../config/store.js';
import type { Logger } from '../log.js';

export type EnrollResult = { ok: true } | { ok: false; field: 'code' | 'serverUrl'; message: string };

export async function enroll(store: ConfigStore, log: Logger, typed: string, serverUrlInput: string): Promise<EnrollResult> {
  const code = normalizeEnrollment(typed);
  if (!code) return { ok: false, field: 'code', message: 'an enrollment code is 28 letters and digits (7 groups of 4), as shown to the admin' };
  const url = configSchema.shape.serverUrl.safeParse(serverUrlInput);
  if (!url.success) return { ok: false, field: 'serverUrl', message: url.error.issues[0]?.message ?? 'not a server URL' };
  if (url.data === '') return { ok: false, field: 'serverUrl', message: 'enter the booking server URL first' };
  const serverUrl = url.data.replace(/\/+$/, '');
  // Checked before the code is spent: the config could not be saved with this URL anyway.
  if (!store.current.allowInsecureHttp && insecureServerUrl(serverUrl)) return { ok: false, field: 'serverUrl', message: INSECURE_HTTP_MESSAGE };
  const client = new BookingClient({ baseUrl: serverUrl, token: null });
  const outcome = await client.enroll(code).finally(() => client.close());
  if (!outcome.ok) {
    log.warn({ serverUrl, error: outcome.error }, 'enrollment refused');
    const field = outcome.error === 'unreachable' || outcome.error === 'bad_answer' ? 'serverUrl' : 'code';
    return { ok: false, field, message: outcome.message };
  }
  const current = store.current;
  const saved = store.replace({
    ...current,
    serverUrl,
    providerId: outcome.providerId,
    gate: outcome.gate,
    enrollment: { stationId: outcome.stationId, token: outcome.token },
  });
  if (!saved.ok) return { ok: false, field: 'serverUrl', message: saved.errors[0]?.message ?? 'cannot save the config' };
  log.info({ serverUrl, stationId: outcome.stationId, providerId: outcome.providerId, gate: outcome.gate }, 'station enrolled');
  return { ok: true };
}
