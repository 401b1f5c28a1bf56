// The provider registry over HTTP: the admin registers a verification server
// (name, URL, shared secret) and gets the provider ID this server assigned;
// later changes its name, URL, secret or batching under the same ID, and lists
// what is registered. The secret goes in and never comes out.
import { z } from 'zod';
import {
  errorBody,
  providerDetails,
  providerDetailsList,
  providerSummary,
  providersResponse,
  registerProviderRequest,
  updateProviderRequest,
} from '../../../protocol/booking-api.js';
import type { App } from '../../common/app.js';
import { badRequest, notFound } from '../../common/errors.js';
import type { FastifyBaseLogger } from 'fastify';
import { requireAdmin } from '../auth.js';
import type { BookingContext } from '../context.js';

export async function providerRoutes(app: App, ctx: BookingContext): Promise<void> {
  app.post(
    '/api/v1/admin/providers',
    { schema: { tags: ['admin'], body: registerProviderRequest, response: { 201: providerSummary, 400: errorBody, 401: errorBody } } },
    async (req, reply) => {
      requireAdmin(ctx, req);
      const { name, verifyUrl, secret, batchScans } = req.body;
      checkBaseUrl(ctx, req.log, verifyUrl);
      const provider = await ctx.providers.register(name, verifyUrl, secret, batchScans ?? true);
      req.log.info({ providerId: provider.providerId, name, verifyUrl: provider.verifyUrl, batchScans: provider.batchScans }, 'provider registered');
      return reply.code(201).send({ providerId: provider.providerId, name: provider.name });
    },
  );

  app.patch(
    '/api/v1/admin/providers/:providerId',
    {
      schema: {
        tags: ['admin'],
        params: providerParams,
        body: updateProviderRequest,
        response: { 200: providerDetails, 400: errorBody, 401: errorBody, 404: errorBody },
      },
    },
    async (req) => {
      requireAdmin(ctx, req);
      if (req.body.verifyUrl !== undefined) checkBaseUrl(ctx, req.log, req.body.verifyUrl);
      const updated = await ctx.providers.update(req.params.providerId, req.body);
      if (!updated) throw notFound('unknown_provider', `no provider ${req.params.providerId}`);
      // Which fields changed, and the new values of all but the secret.
      const { secret: _secret, ...shown } = req.body;
      req.log.info({ providerId: updated.providerId, changed: Object.keys(req.body), ...shown }, 'provider updated');
      return updated;
    },
  );

  app.get('/api/v1/admin/providers', { schema: { tags: ['admin'], response: { 200: providerDetailsList, 401: errorBody } } }, async (req) => {
    requireAdmin(ctx, req);
    return { providers: await ctx.providers.details() };
  });

  app.get('/api/v1/providers', { schema: { tags: ['catalogue'], response: { 200: providersResponse } } }, async () => ({
    providers: await ctx.providers.list(),
  }));
}

const providerParams = z.object({ providerId: z.string().min(1).max(100) });

/**
 * Credentials in the URL would end up in logs and listings: the shared secret is the credential.
 * Off this host, plain http would show every ticket code and verdict to the network
 * (the signature stops changes, not reading): https, unless the operator allowed http.
 */
function checkBaseUrl(ctx: BookingContext, log: FastifyBaseLogger, verifyUrl: string): void {
  const url = new URL(verifyUrl);
  if (url.username || url.password || url.search || url.hash) throw badRequest('verifyUrl: give the base URL, without credentials, query or fragment');
  if (url.protocol === 'https:' || isLoopbackHost(url.hostname)) return;
  if (!ctx.allowInsecureHttp) {
    throw badRequest(`verifyUrl: ${url.host} is not this host: use https (or start the booking server with --allow-insecure-http)`, 'insecure_url');
  }
  log.warn({ verifyUrl: url.origin }, 'provider verifyUrl is plain http off this host (--allow-insecure-http): ticket codes cross the network unencrypted');
}

/** localhost, 127.0.0.0/8 and ::1, as WHATWG URL parsing normalizes them. */
export function isLoopbackHost(hostname: string): boolean {
  return hostname === 'localhost' || hostname === '[::1]' || /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(hostname);
}
