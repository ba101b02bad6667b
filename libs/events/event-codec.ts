import { parseCursor } from './cursor';
import { EVENT_TYPES, type EventType } from '#libs/contract';
import type { EventEnvelope } from './event-types';

const KNOWN_TYPES = new Set<string>(EVENT_TYPES);

export function isEventType(value: unknown): value is EventType {
  return typeof value === 'string' && KNOWN_TYPES.has(value);
}

/**
 * Decodes one pub/sub payload. Returns undefined for anything that is not a
 * well-formed event, so the caller can log and drop it; never throws.
 */
export function decodeEnvelope(payload: string): EventEnvelope | undefined {
  let parsed: unknown;
  try {
    parsed = JSON.parse(payload);
  } catch {
    return undefined;
  }
  if (typeof parsed !== 'object' || parsed === null) return undefined;
  const { type, cursor, ts, data } = parsed as Record<string, unknown>;
  if (!isEventType(type) || typeof ts !== 'number' || typeof data !== 'object' || data === null) return undefined;
  const position = parseCursor(cursor);
  if (!position) return undefined;
  return { type, cursor: cursor as string, epoch: position.epoch, seq: position.seq, ts, data: JSON.stringify(data) };
}
