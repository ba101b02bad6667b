import { createRouter } from '#libs/koa';
import type { HealthCheck } from '../health/health-check';

export function healthRoutes(checkHealth: HealthCheck) {
  const router = createRouter();

  router.get('/healthz', async (ctx) => {
    const report = await checkHealth();
    // 503 only without PostgreSQL: a degraded service still answers every request.
    ctx.status = report.status === 'unavailable' ? 503 : 200;
    ctx.set('Cache-Control', 'no-store');
    ctx.body = report;
  });

  return router;
}
