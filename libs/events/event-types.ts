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

import type { EventType } from '#libs/contract';

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
