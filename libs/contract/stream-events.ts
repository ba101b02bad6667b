/**
 * The events the stream service delivers, as the messages service renders them and the
 * browser reads them. On the wire each is one SSE event whose `id:` is its cursor and
 * whose `data:` is the JSON below; a `message` has no `event:` field, so
 * `EventSource.onmessage` receives it, and the other types are named.
 */
import type { Message } from './api-shapes';

/** The one path of the event stream: served by the stream service, proxied by the web service. */
export const STREAM_PATH = '/api/messages';

/** `userId` has read `conversationId` up to `readAt`. */
export interface ReadReceipt {
  conversationId: string;
  userId: string;
  readAt: string;
}

export interface EventDataByType {
  message: Message;
  read: ReadReceipt;
}

export type EventType = keyof EventDataByType;

export const EVENT_TYPES: readonly EventType[] = ['message', 'read'];
