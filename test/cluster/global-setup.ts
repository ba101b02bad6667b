import { startLocalCluster, type LocalCluster } from '../support/infra/local-cluster';
import { createPrivateDatabase, type PrivateDatabase } from '../support/infra/private-database';

/**
 * Starts the cluster project's Redis Cluster (3 masters, 3 replicas) and its database,
 * once per run; use-cluster.ts points each of its test files at them.
 *
 * A database of its own: every messages service relays the outbox of its database to
 * its Redis, so on the standalone project's database the two projects' relays would
 * take each other's events to the other Redis (see private-database.ts).
 */
export default async function globalSetup(): Promise<void> {
  const [cluster, database] = await Promise.all([startLocalCluster(), createPrivateDatabase('cluster')]);
  process.env.TEST_CLUSTER_NODES = cluster.nodesEnv;
  process.env.TEST_CLUSTER_DATABASE_URL = database.url;
  (globalThis as ClusterRun).clusterRun = { cluster, database };
}

export type ClusterRun = typeof globalThis & { clusterRun?: { cluster: LocalCluster; database: PrivateDatabase } };
