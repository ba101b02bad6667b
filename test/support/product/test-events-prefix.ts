/**
 * The EVENTS_PREFIX tests run the services with: one per database.
 *
 * A user's head in Redis holds the position of that user's event sequence, which
 * PostgreSQL numbers. User ids are a database's own, so two databases on one Redis
 * (another checkout's test run on the same machine, a test's private database or
 * PostgreSQL cluster) have users with the same ids and different sequences: under one
 * prefix they would take each other's events for duplicates. The services of one test
 * must agree on it: give every one of them the same database URL (by default the test
 * run's DATABASE_URL).
 */
export function testEventsPrefix(databaseUrl = process.env.DATABASE_URL): string {
  if (!databaseUrl) return 'test-messenger';
  const url = new URL(databaseUrl);
  const database = decodeURIComponent(url.pathname.slice(1)).replace(/[^\w.-]/g, '_');
  return `test-${url.port || '5432'}-${database}`;
}
