import type { MessagesTestSetup } from '../messages/messages-app';
import { useMessagesApp } from '../messages/messages-app';
import { useStreamFixture, type UsedStreamFixture } from '../stream/stream-fixture';

/**
 * The messages service and one stream service for a test file, agreeing on the JWT
 * secret (testConfig's), Redis and events prefix (the test database's), as in production: requests to
 * the API reach the tabs open on the stream. `env` goes to both (PRESENCE=off, say).
 */
export function useMessagesAndStream(env: Record<string, string> = {}): MessagesTestSetup & {
  stream: UsedStreamFixture;
} {
  const messages = useMessagesApp({ env });
  const stream = useStreamFixture(env);
  return {
    api: messages.api,
    stream,
    get app() {
      return messages.app;
    },
  };
}
