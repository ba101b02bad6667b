import { parseCursor } from './cursor';
import { EPHEMERAL_TYPES, EVENT_TYPES, type EphemeralType, type EventType } from '#libs/contract';
import type { EphemeralEnvelope, EventEnvelope } from './event-types';

const KNOWN_TYPES = new Set<string>(EVENT_TYPES);
const EPHEMERAL = new Set<string>(EPHEMERAL_TYPES);

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && KNOWN_TYPES.has(value);
}

function isEphemeralType(value: unknown): value is EphemeralType {
  return typeof value === 'string' && EPHEMERAL.has(value);
}

/**
 * The head of every logged event as the append script publishes it (event-appender.ts),
 * up to the first brace of its data. Matching it and slicing the data out costs about a
 * fifteenth of JSON.parse of the payload and JSON.stringify of its data, which were the
 * fan-out's largest cost per event besides the socket writes (bench/README.md).
 */
const LOGGED_EVENT_HEAD = /^\{"type":"([a-z_]+)","cursor":"([^"]*)","ts":(\d{1,15}),"data":\{/;
const CLOSING_BRACE = 0x7d;

function endsWithTwoBraces(text: string): boolean {
  return text.charCodeAt(text.length - 1) === CLOSING_BRACE && text.charCodeAt(text.length - 2) === CLOSING_BRACE;
}

/**
 * Decodes one pub/sub payload of a user's channel: a logged event (it has a cursor) or
 * an ephemeral one (typing, presence: no cursor). Returns undefined for anything else,
 * so the caller can log and drop it; never throws.
 */
export function decodeChannelMessage(payload: string): EventEnvelope | EphemeralEnvelope | undefined {
  return decodePublishedEvent(payload) ?? decodeParsed(payload);
}

/**
 * The fast path, for a logged event in the append script's exact shape. Its data is
 * passed on as published, as the replay from the log passes it on: only that script
 * publishes logged events, with the data the relay wrote with JSON.stringify, so its
 * JSON is not parsed again here. What is checked is the envelope, a data object that
 * closes where the envelope closes (a truncated payload does not), and what the SSE
 * framing needs: data on one line (a line break would end the `data:` field early).
 * Anything else, a line break included, takes the full parse.
 */
function decodePublishedEvent(payload: string): EventEnvelope | undefined {
  const head = LOGGED_EVENT_HEAD.exec(payload);
  if (!head || !endsWithTwoBraces(payload)) return undefined;
  const data = payload.slice(head[0].length - 1, -1);
  if (data.includes('\n') || data.includes('\r')) return undefined;
  const [, type, cursor, ts] = head as unknown as [string, string, string, string];
  const position = parseCursor(cursor);
  if (!isEventType(type) || !position) return undefined;
  return { type, cursor, epoch: position.epoch, seq: position.seq, ts: Number(ts), data };
}

/** An event's data is a JSON object: not null, not an array. */
function isDataObject(value: unknown): value is object {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function decodeParsed(payload: string): EventEnvelope | EphemeralEnvelope | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { type, cursor, ts, data } = parsed as Record<string, unknown>;
  if (cursor === undefined && isEphemeralType(type)) {
    if (typeof ts !== 'number' || !isDataObject(data)) return undefined;
    return { type, ts, data: JSON.stringify(data) };
  }
  if (!isEventType(type) || typeof ts !== 'number' || !isDataObject(data)) return undefined;
  const position = parseCursor(cursor);
  if (!position) return undefined;
  return { type, cursor: cursor as string, epoch: position.epoch, seq: position.seq, ts, data: JSON.stringify(data) };
}
