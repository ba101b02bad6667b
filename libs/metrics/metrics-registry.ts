import { collectDefaultMetrics, Registry } from 'prom-client';

/** Every metric of the product is named `messenger_…`, the process metrics included. */
export const METRIC_PREFIX = 'messenger_';

/**
 * A registry of one running service, with the default process metrics (event-loop
 * lag, heap, GC, CPU, file descriptors) named `messenger_…`. Never prom-client's global
 * registry: tests run several services in one process, and each must report its own.
 */
export function createMetricsRegistry(): Registry {
  const registry = new Registry();
  collectDefaultMetrics({ register: registry, prefix: METRIC_PREFIX });
  return registry;
}
