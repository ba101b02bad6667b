import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import type { Config } from '#libs/config';
import type { Logger } from '#libs/logger';
import { start as startMessages } from '../../../services/messages/src/server';
import { start as startStream, type StreamServer } from '../../../services/stream/src/server';
import { start as startWeb } from '../../../services/web/src/server';
import { testConfig } from './test-config';

/**
 * The three services in this process, wired as in production (web proxies to the
 * other two), on free ports against the real PostgreSQL and Redis, with a small
 * stand-in for the built frontend: for tests that hit every service with the same
 * requests.
 */
export interface ThreeServices {
  config: Config;
  messagesUrl: string;
  streamUrl: string;
  webUrl: string;
  stream: StreamServer;
  stop(): Promise<void>;
}

export async function startThreeServices(
  options: { loggers?: { messages?: Logger; stream?: Logger; web?: Logger } } = {},
): Promise<ThreeServices> {
  const staticDir = await mkdtemp(path.join(os.tmpdir(), 'messenger-static-'));
  await mkdir(path.join(staticDir, 'assets'));
  await writeFile(path.join(staticDir, 'index.html'), '<!doctype html><title>Messenger</title>');
  await writeFile(path.join(staticDir, 'assets', 'app-abc123.js'), 'console.log("app")');
  const config = testConfig();
  const { loggers = {} } = options;
  const messages = await startMessages(config, { logger: loggers.messages });
  const stream = await startStream(config, { logger: loggers.stream });
  const web = await startWeb(
    { ...config, web: { ...config.web, messagesUrl: messages.url, streamUrl: stream.url } },
    { staticDir, logger: loggers.web },
  );
  return {
    config,
    messagesUrl: messages.url,
    streamUrl: stream.url,
    webUrl: web.url,
    stream,
    async stop() {
      await web.stop();
      await Promise.allSettled([stream.stop(), messages.stop()]);
      await rm(staticDir, { recursive: true, force: true });
    },
  };
}
