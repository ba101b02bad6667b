import type { ClusterRun } from './global-setup';

export default async function globalTeardown(): Promise<void> {
  const run = (globalThis as ClusterRun).clusterRun;
  await Promise.allSettled([run?.cluster.stop(), run?.database.drop()]);
}
