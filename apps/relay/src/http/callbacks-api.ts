// PUT /api/v1/callbacks (device token): what a desktop publishes so the relay can answer people
// who call back while no desktop is online (see http/callback-calls.ts): the latest alert each
// number was sent, and where "press 2" connects (the organisation's crisis-room number).
import express, { type Router } from 'express';
import { callbackUpdateSchema, describeIssues, fieldIssues } from '@gdial/protocol';
import { saveCallbackTargets, saveCrisisRoomNumber } from '../store/callbacks';
import { deviceOf } from './auth-guard';
import { apiError } from './middleware';
import type { HttpServices } from './services';

export function callbacksApiRouter(services: HttpServices): Router {
  const router = express.Router();
  router.put('/callbacks', express.json({ limit: '256kb' }), async (req, res) => {
    const device = deviceOf(req);
    const parsed = callbackUpdateSchema.safeParse(req.body);
    if (!parsed.success) {
      apiError(res, 400, 'validation', describeIssues(fieldIssues(parsed.error)));
      return;
    }
    const { targets, crisisRoomNumber } = parsed.data;
    if (targets) await saveCallbackTargets(services.db, device.tenant.id, targets);
    if (crisisRoomNumber !== undefined) await saveCrisisRoomNumber(services.db, device.tenant.id, crisisRoomNumber);
    res.status(204).end();
  });
  return router;
}
