import { ConfigError, loadConfig, type Config } from '#libs/config';
import { createLogger, type Logger } from '#libs/logger';

/** What every service's start(config) resolves with: its base URL, and its graceful stop. */
export interface RunningService {
  url: string;
  /** Where its /metrics is served (logged at start, so an operator finds a separate METRICS_PORT). */
  metricsUrl?: string;
  stop(): Promise<void>;
}

export interface RunServiceOptions {
  /** Services that verify tokens warn loudly when they run on the development secret. */
  verifiesTokens: boolean;
}

// Whatever a service's graceful stop does (the stream service spreads its goodbyes over
// up to 8 s), the process is gone within 10 s of the signal.
const EXIT_DEADLINE_MS = 10_000;

/**
 * The body of every service's main.ts: read and validate the config (a bad value exits
 * 1 naming it), start, print the URL, and stop gracefully on SIGTERM/SIGINT.
 */
export async function runService(
  name: string,
  start: (config: Config, deps: { logger: Logger }) => Promise<RunningService>,
  { verifiesTokens }: RunServiceOptions,
): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
  } catch (error) {
    console.error(`${name}: ${error instanceof ConfigError ? error.message : String(error)}`);
    process.exit(1);
  }
  const logger = createLogger({ name, level: config.logLevel, format: config.logFormat });
  if (verifiesTokens && config.auth.usingDevelopmentSecret) {
    logger.warn(
      'JWT_SECRET is not set: using the built-in DEVELOPMENT secret. Anyone can forge tokens; set JWT_SECRET (32+ characters) outside development.',
    );
  }

  let server: RunningService;
  try {
    server = await start(config, { logger });
  } catch (error) {
    console.error(`${name}: ${(error as Error).message}`);
    process.exit(1);
  }
  // For people and scripts reading the terminal; the log has start's own `listening` line.
  console.log(`${name}: listening on ${server.url}`);

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
