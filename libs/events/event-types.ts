/**
 * The events contract between the messages service (its outbox relay appends and
 * publishes) and the stream service (subscriber). On the wire (Redis pub/sub) every
 * event is one JSON text:
 *
 *   {"type":"message","cursor":"1764089912345678:42","ts":1764089912345,"data":{...}}
 *
 * and the same type, data and ts are kept in the user's event log under entry id
 * `<seq>-0`, for replay. `ts` is when the event was committed, in ms. The types and
 * their data are the contract's (libs/contract/stream-events.ts).
 */

import type { EphemeralDataByType, EphemeralType, EventType } from '#libs/contract';

export interface EventEnvelope {
  type: EventType;
  /** `<epoch>:<seq>` (cursor.ts), with its two parts parsed once. */
  cursor: string;
  epoch: string;
  seq: number;
  /** When the event was committed (ms since 1970): its outbox row's created_at. */
  ts: number;
  /** The event's data as JSON text, exactly as published. */
  data: string;
}

/**
 * An ephemeral event (libs/contract/ephemeral-events.ts) on the same channel: no cursor,
 * never in the log, so never replayed:
 *
 *   {"type":"typing","ts":1764089912345,"data":{"conversationId":"7","userId":"42"}}
 *
 * `ts` is when it was published, in ms: the stream service drops a `typing` older than
 * TYPING_MAX_AGE_MS instead of delivering it late.
 */
export interface EphemeralEnvelope {
  type: EphemeralType;
  ts: number;
  /** The event's data as JSON text, exactly as published. */
  data: string;
}

/** The wire text of an ephemeral event. */
export function encodeEphemeral<T extends EphemeralType>(type: T, data: EphemeralDataByType[T], ts: number): string {
  return JSON.stringify({ type, ts, data });
}
