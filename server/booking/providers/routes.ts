// The provider registry over HTTP: the admin registers a verification server
// (name, URL — or several instances' URLs — shared secret) and gets the provider ID this server assigned;
// later changes its name, URL, secret, batching or time zone under the same ID, and lists
// what is registered. The secret goes in and never comes out. Registering and
// changing are an admin's; venue staff list their own providers.
import { z } from 'zod';
import {
  errorBody,
  providerDetails,
  providerDetailsList,
  providerHealthQuery,
  providerHealthResponse,
  providerSummary,
  providersResponse,
  registerProviderRequest,
  updateProviderRequest,
} from '../../../protocol/booking-api.js';
import type { AppPlugin } from '../../common/app.js';
import { badRequest, notFound } from '../../common/errors.js';
import type { FastifyBaseLogger } from 'fastify';
import type { Auth } from '../auth.js';
import type { BookingContext } from '../context.js';
import type { AuditLog } from '../staff/audit.js';
import { canonicalZone } from './venue-zone.js';
import { HEALTH_WINDOW_S } from './health.js';

export interface ProviderRoutesOptions extends Pick<BookingContext, 'providers' | 'allowInsecureHttp'> {
  auth: Auth;
  audit: AuditLog;
}

export const providerRoutes: AppPlugin<ProviderRoutesOptions> = async (app, { providers, allowInsecureHttp, auth, audit }) => {
  app.post(
    '/api/v1/admin/providers',
    { onRequest: auth.adminOnly, schema: { tags: ['admin'], body: registerProviderRequest, response: { 201: providerSummary, 400: errorBody, 401: errorBody, 403: errorBody } } },
    async (req, reply) => {
      const actor = auth.admin(req);
      const { name, verifyUrl, verifyUrls, secret, batchScans, cancelCutoffMinutes } = req.body;
      const urls = verifyUrls ?? [verifyUrl!];
      for (const url of urls) checkBaseUrl(allowInsecureHttp, req.log, url);
      const timeZone = req.body.timeZone === undefined ? null : checkTimeZone(req.body.timeZone);
      const provider = await providers.register(name, urls, secret, batchScans ?? true, cancelCutoffMinutes === undefined ? undefined : cancelCutoffMinutes * 60, timeZone);
      await audit.record(actor, {
        action: 'provider.register',
        providerId: provider.providerId,
        details: { name, verifyUrls: provider.verifyUrls, batchScans: provider.batchScans, timeZone },
      });
      req.log.info({ providerId: provider.providerId, name, verifyUrls: provider.verifyUrls, batchScans: provider.batchScans, timeZone }, 'provider registered');
      return reply.code(201).send({ providerId: provider.providerId, name: provider.name });
    },
  );

  app.patch(
    '/api/v1/admin/providers/:providerId',
    {
      onRequest: auth.adminOnly,
      schema: {
        tags: ['admin'],
        params: providerParams,
        body: updateProviderRequest,
        response: { 200: providerDetails, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (req) => {
      const actor = auth.admin(req);
      for (const url of req.body.verifyUrls ?? (req.body.verifyUrl !== undefined ? [req.body.verifyUrl] : [])) checkBaseUrl(allowInsecureHttp, req.log, url);
      if (typeof req.body.timeZone === 'string') req.body.timeZone = checkTimeZone(req.body.timeZone);
      const updated = await providers.update(req.params.providerId, req.body);
      if (!updated) throw notFound('unknown_provider', `no provider ${req.params.providerId}`);
      // Which fields changed, and the new values of all but the secret.
      const { secret: _secret, ...shown } = req.body;
      await audit.record(actor, { action: 'provider.update', providerId: updated.providerId, details: { changed: Object.keys(req.body), ...shown } });
      req.log.info({ providerId: updated.providerId, changed: Object.keys(req.body), ...shown }, 'provider updated');
      return updated;
    },
  );

  // Venue staff see their own providers only.
  app.get('/api/v1/admin/providers', { schema: { tags: ['admin'], response: { 200: providerDetailsList, 401: errorBody } } }, async (req) => {
    const actor = await auth.operator(req);
    return { providers: (await providers.details()).filter((p) => auth.sees(actor, p.providerId)) };
  });

  app.get(
    '/api/v1/admin/providers/health',
    {
      schema: {
        tags: ['admin'],
        description:
          "Each provider's health as this booking process saw its calls (verify, batch verify, codes, revoke, shows…): reachable (the last call was answered; " +
          'with no call in the window, one signed GET /v1/shows is made first), the last error, and p50/p99 over the last 5 minutes. ' +
          'Per process: behind a load balancer, each booking process answers for its own calls. Venue staff see their own providers; another → 403.',
        querystring: providerHealthQuery,
        response: { 200: providerHealthResponse, 401: errorBody, 403: errorBody, 404: errorBody },
      },
    },
    async (req) => {
      const actor = await auth.operator(req);
      const all = await providers.list();
      if (req.query.providerId !== undefined) {
        auth.requireProvider(actor, req.query.providerId);
        if (!all.some((p) => p.providerId === req.query.providerId)) throw notFound('unknown_provider', `no provider ${req.query.providerId}`);
      }
      providers.health.keepOnly(all.map((p) => p.providerId));
      const shown = all.filter((p) => (req.query.providerId === undefined ? auth.sees(actor, p.providerId) : p.providerId === req.query.providerId));
      // A provider no call reached lately is asked once, signed, so that reachable says something about now.
      await Promise.all(shown.filter((p) => providers.health.view(p.providerId).calls === 0).map((p) => probe(p.providerId)));
      return {
        windowS: HEALTH_WINDOW_S,
        providers: shown.map((p) => {
          const { reachable, ...rest } = providers.health.view(p.providerId);
          return { ...p, reachable: reachable === true, ...rest };
        }),
      };
    },
  );

  /** One signed call: its outcome is recorded like any other (health.ts). */
  async function probe(providerId: string): Promise<void> {
    const client = await providers.get(providerId);
    await client?.shows().catch(() => undefined);
  }

  app.get('/api/v1/providers', { schema: { tags: ['catalogue'], response: { 200: providersResponse } } }, async () => ({
    providers: await providers.list(),
  }));
};

const providerParams = z.object({ providerId: z.string().min(1).max(100) });

/** The canonical IANA name of a venue's zone; anything else is refused with its own reason, so the console can say which field. */
function checkTimeZone(name: string): string {
  const zone = canonicalZone(name);
  if (!zone) throw badRequest(`timeZone: ${JSON.stringify(name)} is not an IANA time zone name (e.g. Asia/Shanghai, Europe/Berlin, UTC)`, 'invalid_time_zone');
  return zone;
}

/**
 * Credentials in the URL would end up in logs and listings: the shared secret is the credential.
 * Off this host, plain http would show every ticket code and verdict to the network
 * (the signature stops changes, not reading): https, unless the operator allowed http.
 */
function checkBaseUrl(allowInsecureHttp: boolean, log: FastifyBaseLogger, verifyUrl: string): void {
  const url = new URL(verifyUrl);
  if (url.username || url.password || url.search || url.hash) throw badRequest('verifyUrl: give the base URL, without credentials, query or fragment');
  if (url.protocol === 'https:' || isLoopbackHost(url.hostname)) return;
  if (!allowInsecureHttp) {
    throw badRequest(`verifyUrl: ${url.host} is not this host: use https (or start the booking server with --allow-insecure-http)`, 'insecure_url');
  }
  log.warn({ verifyUrl: url.origin }, 'provider verifyUrl is plain http off this host (--allow-insecure-http): ticket codes cross the network unencrypted');
}

/** localhost, 127.0.0.0/8 and ::1, as WHATWG URL parsing normalizes them. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
