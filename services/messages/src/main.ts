import { ConfigError, loadConfig } from '../../../libs/config/config';
import { createLogger } from '../../../libs/logger/logger';
import { start } from './server';

// Reads config, starts the service, and closes it on SIGTERM/SIGINT. Nothing else.
async function main() {
  let config;
  try {
    config = loadConfig(process.env);
  } catch (error) {
    if (error instanceof ConfigError) {
      console.error(`messages: ${error.message}`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger({ name: 'messages', level: config.logLevel });
  if (config.auth.usingDevelopmentSecret) {
    logger.warn(
      'JWT_SECRET is not set: using the built-in DEVELOPMENT secret. Anyone can forge tokens; set JWT_SECRET (32+ characters) outside development.',
    );
  }

  let server;
  try {
    server = await start(config, { logger });
  } catch (error) {
    console.error(`messages: ${(error as Error).message}`);
    process.exit(1);
  }
  console.log(`messages: listening on ${server.url}`);

  let stopping = false;
  const shutdown = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ signal }, 'shutting down');
    const forced = setTimeout(() => process.exit(1), 10_000);
    forced.unref();
    await server.stop();
    process.exit(0);
  };
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
  process.on('SIGINT', () => void shutdown('SIGINT'));
}

void main();
