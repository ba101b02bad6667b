import { runDbScript } from './run-db-script';

test('When the migrations are replayed in a shadow database, then they produce exactly prisma/schema.prisma (npm run db:diff exits 0)', async () => {
  const { code, stdout, stderr } = await runDbScript('db-diff.mjs');
  // On drift, stdout is the SQL that is missing from prisma/migrations.
  expect({ code, stdout, stderr }).toEqual({ code: 0, stdout: expect.stringContaining('matches'), stderr: '' });
}, 120_000);
