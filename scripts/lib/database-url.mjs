// DATABASE_URL with the product's default (libs/config/defaults.json, which the
// services' config reads too), for the database scripts.
import { createRequire } from 'node:module';

const defaults = createRequire(import.meta.url)('../../libs/config/defaults.json');

export function databaseUrlFromEnv(env = process.env) {
  return env.DATABASE_URL || defaults.databaseUrl;
}
