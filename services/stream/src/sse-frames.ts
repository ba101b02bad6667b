import type { EphemeralType, EventType } from '#libs/contract';
import type { EphemeralEnvelope, EventEnvelope } from '#libs/events';

/**
 * The SSE wire format (https://html.spec.whatwg.org/multipage/server-sent-events.html).
 * Every `data:` value here is one line of JSON: JSON.stringify never emits a raw
 * newline, so no value needs splitting over several `data:` lines.
 */

/** A live event, decoded and formatted once per process and written as-is to every tab of its user. */
export interface FanOutEvent {
  cursor: string;
  /** The cursor's two parts, so checking continuity costs no parsing per connection. */
  epoch: string;
  seq: number;
  type: EventType;
  /** When the event was committed (ms): its delivery lag is measured from here. */
  ts: number;
  frame: Buffer;
}

export function toFanOutEvent(envelope: EventEnvelope): FanOutEvent {
  return {
    cursor: envelope.cursor,
    epoch: envelope.epoch,
    seq: envelope.seq,
    type: envelope.type,
    ts: envelope.ts,
    frame: Buffer.from(eventFrame(envelope)),
  };
}

/** A message has no `event:` field, so `EventSource.onmessage` receives it; other types are named. */
export function eventFrame({ type, cursor, data }: EventEnvelope): string {
  return type === 'message' ? `id: ${cursor}\ndata: ${data}\n\n` : `id: ${cursor}\nevent: ${type}\ndata: ${data}\n\n`;
}

/** An ephemeral event, formatted once per process like a FanOutEvent. */
export interface EphemeralFrame {
  type: EphemeralType;
  frame: Buffer;
}

/**
 * Typing and presence: named, and without `id:`, so the client's Last-Event-ID (its
 * cursor) never moves for them and a resume neither repeats nor skips anything.
 */
export function toEphemeralFrame({ type, data }: EphemeralEnvelope): EphemeralFrame {
  return { type, frame: Buffer.from(`event: ${type}\ndata: ${data}\n\n`) };
}

export function retryFrame(retryMs: number): string {
  return `retry: ${retryMs}\n\n`;
}

/**
 * Sent once, right after `retry:`, with the cursor the stream starts from (the log's
 * newest for a fresh stream, else the client's own). Its `id:` sets the browser's
 * Last-Event-ID, so a tab that received no event before losing its connection still
 * reconnects by cursor instead of as a fresh stream that would skip what was published
 * during the outage; the `data:` tells a page the cursor to pass as `?lastEventId=`.
 */
export function readyFrame(cursor: string): string {
  return `id: ${cursor}\nevent: ready\ndata: {"cursor":"${cursor}"}\n\n`;
}

/**
 * Tells the client to refetch its state over REST. The id moves its Last-Event-ID to
 * the log's newest cursor, so its next reconnect resumes from here.
 */
export function resyncFrame(latestCursor: string, reason: string): string {
  return `id: ${latestCursor}\nevent: resync\ndata: ${JSON.stringify({ reason })}\n\n`;
}

export const REAUTH_FRAME = 'event: reauth\ndata: {"reason":"token expired"}\n\n';

/** Sent on shutdown; the jittered `retry:` spreads the clients' reconnects. */
export function reconnectFrame(retryMs: number): string {
  return `retry: ${retryMs}\nevent: reconnect\ndata: {}\n\n`;
}

/** A comment line: ignored by EventSource, but keeps proxies from closing an idle stream. */
export const PING_FRAME = Buffer.from(': ping\n\n');
