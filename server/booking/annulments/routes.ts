// Annulments (annulments.ts): a station undoes its own admission within
// 30 s; staff undo any within 10 minutes.
import { adminAnnulParams, annulmentResponse, errorBody, stationAnnulRequest } from '../../../protocol/booking-api.js';
import type { AppPlugin } from '../../common/app.js';
import type { Auth } from '../auth.js';
import type { AuditLog } from '../staff/audit.js';
import type { AnnulService } from './annulments.js';

export interface AnnulRoutesOptions {
  auth: Auth;
  audit: AuditLog;
  annulments: AnnulService;
}

const answers = { 200: annulmentResponse, 400: errorBody, 401: errorBody, 403: errorBody, 404: errorBody, 409: errorBody, 503: errorBody };

export const annulRoutes: AppPlugin<AnnulRoutesOptions> = async (app, { auth, audit, annulments }) => {
  app.post('/api/v1/station/annul', { schema: { tags: ['station'], body: stationAnnulRequest, response: answers } }, async (req) => {
    const station = await auth.station(req);
    return annulments.byStation(station, req.body.scanId);
  });

  app.post('/api/v1/admin/scans/:scanId/annul', { schema: { tags: ['admin'], params: adminAnnulParams, response: answers } }, async (req) => {
    const actor = await auth.operator(req);
    const { providerId, ...answer } = await annulments.byStaff(req.params.scanId, (p) => auth.requireProvider(actor, p), actor.email ?? 'admin token');
    await audit.record(actor, { action: 'admission.annul', providerId, target: req.params.scanId, details: { annulledAt: answer.annulledAt } });
    return answer;
  });
};
