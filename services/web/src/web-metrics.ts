import { Counter, type Registry } from 'prom-client';

/** What a request to the web service was for: the `target` label (a fixed set, never the path). */
export type WebTarget = 'stream' | 'api' | 'app' | 'healthz';
export type Upstream = 'stream' | 'messages';

export function createWebMetrics(registry: Registry) {
  const requests = new Counter({
    name: 'messenger_web_requests_total',
    help: 'Requests answered by the web service, by target (stream, api, app, healthz) and status.',
    labelNames: ['target', 'status'],
    registers: [registry],
  });
  const proxyErrors = new Counter({
    name: 'messenger_web_proxy_errors_total',
    help: 'Proxied requests that could not reach their upstream service (answered 502, or a stream cut).',
    labelNames: ['upstream'],
    registers: [registry],
  });
  return {
    requestAnswered: (target: WebTarget, status: number) => requests.inc({ target, status }),
    proxyFailed: (upstream: Upstream) => proxyErrors.inc({ upstream }),
  };
}

export type WebMetrics = ReturnType<typeof createWebMetrics>;
