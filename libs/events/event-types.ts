/**
 * The events contract between the messages service (publisher) and the stream
 * service (subscriber). On the wire (Redis pub/sub) every event is one JSON text:
 *
 *   {"type":"message","cursor":"1764089912345-0","data":{...}}
 *
 * and the same type and data are kept in the user's event log for replay.
 */

/** A message as the receiving user sees it (`mine` is computed for that user). */
export interface MessageEventData {
  id: string;
  content: string;
  conversationId: string;
  createdAt: string;
  mine: boolean;
}

/** `userId` has read `conversationId` up to `readAt`. */
export interface ReadEventData {
  conversationId: string;
  userId: string;
  readAt: string;
}

export interface EventDataByType {
  message: MessageEventData;
  read: ReadEventData;
}

export type EventType = keyof EventDataByType;

export const EVENT_TYPES: readonly EventType[] = ['message', 'read'];

export interface EventEnvelope {
  type: EventType;
  cursor: string;
  /** The event's data as JSON text, exactly as published. */
  data: string;
}
