import { createRouter } from '../../../../libs/http/router';
import type { HealthCheck } from '../health/health-check';

export function healthRoutes(checkHealth: HealthCheck) {
  const router = createRouter();

  router.get('/healthz', async (ctx) => {
    const report = await checkHealth();
    ctx.status = report.status === 'ok' ? 200 : 503;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = report;
  });

  return router;
}
