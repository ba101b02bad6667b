import type { MessagesTestSetup } from './messages-app';
import { useMessagesApp } from './messages-app';
import { TEST_JWT_SECRET, useStreamFixture, type UsedStreamFixture } from './stream-fixture';

/**
 * The messages service and one stream service for a test file, agreeing on the JWT
 * secret, Redis and events prefix (the test database's), as in production: requests to
 * the API reach the tabs open on the stream. `env` goes to both (PRESENCE=off, say).
 */
export function useMessagesAndStream(env: Record<string, string> = {}): MessagesTestSetup & {
  stream: UsedStreamFixture;
} {
  const messages = useMessagesApp({ env: { JWT_SECRET: TEST_JWT_SECRET, ...env } });
  const stream = useStreamFixture(env);
  return {
    api: messages.api,
    stream,
    get app() {
      return messages.app;
    },
  };
}
