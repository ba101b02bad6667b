// Each test file of the cluster project runs the services in cluster mode, on the run's
// cluster and database (global-setup.ts). Jest gives every test file its own copy of
// process.env, so the standalone project's files are untouched.
process.env.REDIS_CLUSTER_NODES = process.env.TEST_CLUSTER_NODES;
process.env.DATABASE_URL = process.env.TEST_CLUSTER_DATABASE_URL;
