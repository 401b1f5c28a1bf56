// The provider registry over HTTP: the admin registers a verification server
// (name, URL, shared secret) and gets the provider ID this server assigned.
// The secret goes in and never comes out.
import { errorBody, providerSummary, providersResponse, registerProviderRequest } from '../../../protocol/booking-api.js';
import type { App } from '../../common/app.js';
import { badRequest } from '../../common/errors.js';
import { requireAdmin } from '../auth.js';
import type { BookingContext } from '../context.js';

export async function providerRoutes(app: App, ctx: BookingContext): Promise<void> {
  app.post(
    '/api/v1/admin/providers',
    { schema: { tags: ['admin'], body: registerProviderRequest, response: { 201: providerSummary, 401: errorBody } } },
    async (req, reply) => {
      requireAdmin(ctx, req);
      const { name, verifyUrl, secret, batchScans } = req.body;
      const url = new URL(verifyUrl);
      // Credentials in the URL would end up in logs and listings: the shared secret is the credential.
      if (url.username || url.password || url.search || url.hash) throw badRequest('verifyUrl: give the base URL, without credentials, query or fragment');
      const provider = await ctx.providers.register(name, verifyUrl, secret, batchScans ?? true);
      req.log.info({ providerId: provider.providerId, name, verifyUrl: provider.verifyUrl, batchScans: provider.batchScans }, 'provider registered');
      return reply.code(201).send({ providerId: provider.providerId, name: provider.name });
    },
  );

  app.get('/api/v1/providers', { schema: { tags: ['catalogue'], response: { 200: providersResponse } } }, async () => ({
    providers: await ctx.providers.list(),
  }));
}
