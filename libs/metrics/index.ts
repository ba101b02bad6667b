// The metrics lib's public surface: each service's Prometheus registry, its /metrics
// endpoint, request durations of the Koa apps, and the allocation-free histogram of the
// stream service's hot path.
export { httpRequestMetrics, UNMATCHED_ROUTE } from './http-request-metrics';
export { createMetricsEndpoint, METRICS_PATH, type MetricsEndpoint } from './metrics-endpoint';
export { createMetricsRegistry, METRIC_PREFIX } from './metrics-registry';
export { TallyHistogram } from './tally-histogram';
