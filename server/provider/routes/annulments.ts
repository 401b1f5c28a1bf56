// Annulments: an admission undone because the holder did not pass (annulment.ts).
import { Counter } from 'prom-client';
import { annulRequest, annulResponse, notAnnullableBody } from '../../../protocol/provider-api.js';
import type { App } from '../../common/app.js';
import { annul } from '../annulment.js';
import type { ProviderContext } from '../context.js';

export async function annulmentRoutes(app: App, ctx: ProviderContext): Promise<void> {
  const outcomes = new Counter({
    name: 'gatepost_provider_annulments_total',
    help: 'annulment requests by outcome (annulled, or why not)',
    labelNames: ['outcome'] as const,
    registers: [app.metrics],
  });

  app.post(
    '/v1/annulments',
    { schema: { tags: ['verify'], body: annulRequest, response: { 200: annulResponse, 409: notAnnullableBody } } },
    async (req, reply) => {
      const now = ctx.now();
      const outcome = await ctx.writes.run((trx) => annul(trx, req.body, now));
      if ('refused' in outcome) {
        outcomes.inc({ outcome: outcome.refused });
        return reply.code(409).send({ error: 'not_annullable' as const, message: outcome.message, why: outcome.refused });
      }
      outcomes.inc({ outcome: 'annulled' });
      req.log.info({ scanId: outcome.annulled.scanId, ticketId: outcome.annulled.ticketId, by: req.body.by }, 'admission annulled');
      return outcome.annulled;
    },
  );
}
