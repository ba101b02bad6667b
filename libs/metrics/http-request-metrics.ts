import type { Middleware } from 'koa';
import { Histogram, type Registry } from 'prom-client';

/** A request no route matched (404, or refused before routing): one label value, whatever its path. */
export const UNMATCHED_ROUTE = 'unmatched';

/**
 * `messenger_http_request_duration_seconds{method,route,status}` for a Koa app.
 * `route` is the pattern of the route that matched (`/api/conversations/:id`, from
 * @koa/router), never the raw path, so the number of series stays bounded however
 * many ids there are. Registered outside the error middleware: it sees the status sent.
 */
export function httpRequestMetrics(registry: Registry): Middleware {
  const duration = new Histogram({
    name: 'messenger_http_request_duration_seconds',
    help: 'Time to answer an HTTP request, by method, route pattern and status.',
    labelNames: ['method', 'route', 'status'],
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
    registers: [registry],
  });
  return async (ctx, next) => {
    const started = process.hrtime.bigint();
    try {
      await next();
    } finally {
      const route = (ctx as { _matchedRoute?: string | RegExp })._matchedRoute;
      duration.observe(
        { method: ctx.method, route: typeof route === 'string' ? route : UNMATCHED_ROUTE, status: ctx.status },
        Number(process.hrtime.bigint() - started) / 1e9,
      );
    }
  };
}
