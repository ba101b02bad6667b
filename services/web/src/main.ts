import { ConfigError, loadConfig } from '../../../libs/config/config';
import { createLogger } from '../../../libs/logger/logger';
import { start } from './server';

async function main() {
  const config = loadConfig();
  const logger = createLogger({ name: 'web', level: config.logLevel });
  const { url, stop } = await start(config, { logger });
  logger.info(`Messenger web app: ${url}`);

  let stopping = false;
  const shutdown = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const force = setTimeout(() => process.exit(1), 10_000);
    force.unref();
    stop().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ err: error }, 'shutdown failed');
        process.exit(1);
      },
    );
  };
  process.on('SIGTERM', () => shutdown('SIGTERM'));
  process.on('SIGINT', () => shutdown('SIGINT'));
}

main().catch((error: unknown) => {
  console.error(error instanceof ConfigError ? error.message : error);
  process.exit(1);
});
