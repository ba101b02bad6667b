import { ConfigError, loadConfig } from '../../../libs/config/config';
import { createLogger } from '../../../libs/logger/logger';
import { start } from './server';

// Shutdown spreads the goodbye frames over STREAM_SHUTDOWN_SPREAD_MS (at most 8 s);
// whatever happens, the process is gone within 10 s of the signal.
const EXIT_DEADLINE_MS = 10_000;

async function main(): Promise<void> {
  let config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(error instanceof ConfigError ? error.message : error);
    process.exit(1);
  }
  const logger = createLogger({ name: 'stream', level: config.logLevel });
  if (config.auth.usingDevelopmentSecret) {
    logger.warn('JWT_SECRET is not set: using the development secret. Never do this in production.');
  }
  let server;
  try {
    server = await start(config, { logger });
  } catch (error) {
    logger.fatal((error as Error).message);
    process.exit(1);
  }
  logger.info({ url: server.url }, `stream service listening on ${server.url}`);

  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    setTimeout(() => {
      logger.error('shutdown took too long; exiting');
      process.exit(1);
    }, EXIT_DEADLINE_MS).unref();
    server.stop().then(
      () => process.exit(0),
      (error: Error) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => stop('SIGTERM'));
  process.on('SIGINT', () => stop('SIGINT'));
}

void main();
