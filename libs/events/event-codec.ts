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
 * Decodes one pub/sub payload of a user's channel: a logged event (it has a cursor) or
 * an ephemeral one (typing, presence: no cursor). Returns undefined for anything else,
 * so the caller can log and drop it; never throws.
 */
export function decodeChannelMessage(payload: string): EventEnvelope | EphemeralEnvelope | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { type, cursor, ts, data } = parsed as Record<string, unknown>;
  if (cursor === undefined && isEphemeralType(type)) {
    if (typeof ts !== 'number' || typeof data !== 'object' || data === null) return undefined;
    return { type, ts, data: JSON.stringify(data) };
  }
  if (!isEventType(type) || typeof ts !== 'number' || typeof data !== 'object' || data === null) return undefined;
  const position = parseCursor(cursor);
  if (!position) return undefined;
  return { type, cursor: cursor as string, epoch: position.epoch, seq: position.seq, ts, data: JSON.stringify(data) };
}
