// Generates the Prisma client into libs/db/generated.
//
// `prisma generate` never runs the native schema engine, but the CLI downloads it
// first unless PRISMA_SCHEMA_ENGINE_BINARY names an existing file. Machines without
// access to Prisma's binary host would fail here, so point it at this Node binary:
// it is only checked for existence.
import { spawnSync } from 'node:child_process';
import { createRequire } from 'node:module';

const require = createRequire(import.meta.url);
const cli = require.resolve('prisma/build/index.js');
const env = { ...process.env, PRISMA_HIDE_UPDATE_MESSAGE: '1', CHECKPOINT_DISABLE: '1' };
env.PRISMA_SCHEMA_ENGINE_BINARY ??= process.execPath;

const result = spawnSync(process.execPath, [cli, 'generate', '--schema', 'prisma/schema.prisma'], {
  env,
  stdio: 'inherit',
});
process.exit(result.status ?? 1);
