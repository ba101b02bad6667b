import type { EventPublisher } from '../../../../libs/events/event-publisher';
import type { EventDataByType, EventType } from '../../../../libs/events/event-types';
import type { Logger } from '../../../../libs/logger/logger';

export interface EventNotifierOptions {
  /**
   * How long a request waits for its events to be published. Waiting means that when
   * a client gets its response, the event is already in the user's log and on the
   * channel (a sender's other tabs see their message no later than the sender does);
   * the cap keeps a hung Redis from holding responses. A publish still running after
   * it goes on in the background and is logged if it fails. Defaults to 250 ms.
   */
  waitMs?: number;
}

export interface Notification<T extends EventType = EventType> {
  userId: string;
  type: T;
  data: EventDataByType[T];
}

/**
 * Publishes events after their transaction committed. Never throws: the data is
 * already committed, so a failed publish is logged (with the user and the error) and
 * the request still succeeds. Stream clients recover from the gap by resync.
 */
export function createEventNotifier(publisher: EventPublisher, logger: Logger, options: EventNotifierOptions = {}) {
  const waitMs = options.waitMs ?? 250;
  const pending = new Set<Promise<unknown>>();

  async function publishOne({ userId, type, data }: Notification): Promise<void> {
    try {
      await publisher.publish(userId, type, data);
    } catch (error) {
      logger.error({ userId, eventType: type, err: (error as Error).message }, 'event publish failed');
    }
  }

  /** Publishes each notification (in parallel) and resolves when all are done or after waitMs. */
  async function notify(notifications: Notification[]): Promise<void> {
    const all = Promise.all(notifications.map(publishOne));
    pending.add(all);
    void all.finally(() => pending.delete(all));
    let timer: NodeJS.Timeout | undefined;
    const timeout = new Promise<void>((resolve) => {
      timer = setTimeout(resolve, waitMs);
    });
    await Promise.race([all, timeout]);
    clearTimeout(timer);
  }

  /** Resolves once publishes still in flight have settled (for a clean shutdown). */
  async function drain(): Promise<void> {
    await Promise.all([...pending]);
  }

  return { notify, drain };
}

export type EventNotifier = ReturnType<typeof createEventNotifier>;
