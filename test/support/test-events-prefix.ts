/**
 * The EVENTS_PREFIX every test runs the services with: one per database.
 *
 * A user's head in Redis holds the position of that user's event sequence, which
 * PostgreSQL numbers. User ids are the database's own, so two databases on one Redis
 * (other checkouts' test runs on the same machine) have users with the same ids and
 * different sequences: under one prefix they would take each other's events for
 * duplicates. It is named after the test run's DATABASE_URL (a test on a private
 * database has a private Redis too); tests without PostgreSQL use it as well, so the
 * services of one test always agree on it.
 */
export function testEventsPrefix(): string {
  const url = process.env.DATABASE_URL;
  const database = url ? decodeURIComponent(new URL(url).pathname.slice(1)) : 'messenger';
  return `test-${database.replace(/[^\w.-]/g, '_')}`;
}
