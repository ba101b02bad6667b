import type { EventLogReader } from '#libs/events';
import type { Logger } from '#libs/logger';
import type { SseConnection } from './sse-connection';

/**
 * Brings a connection from its last cursor up to live: subscribe first, then read
 * the history, then flush what arrived live meanwhile (deduplicated by sequence), so
 * nothing published around the switch is lost or doubled.
 *
 * Runs when a stream opens, again for every stream after the Redis subscriber
 * reconnects, and for one stream whose live events stopped following each other; a
 * newer run makes an older one's results void.
 */
export async function catchUp(
  connection: SseConnection,
  subscribed: () => Promise<void>,
  reader: EventLogReader,
  logger: Logger,
): Promise<void> {
  const run = connection.beginCatchUp();
  try {
    await subscribed();
    if (!connection.isCurrent(run)) return;
    const result = await reader.since(connection.userId, connection.lastCursor);
    if (!connection.isCurrent(run)) return;
    if (result.kind === 'replay') connection.replay(result.events);
    else connection.resync(result.latestCursor, result.reason);
    connection.goLive();
  } catch (error) {
    if (!connection.isCurrent(run)) return;
    // Without its history the stream cannot be exact; the client resumes by cursor.
    logger.warn({ err: (error as Error).message, userId: connection.userId }, 'catch-up failed; dropping the stream');
    connection.drop('error');
  }
}
