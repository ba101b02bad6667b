// The events lib's public surface: Redis names, event payloads, cursors, appending to and
// reading from a user's event log, and the ephemeral events (typing, presence).
export { createEventChannels, type EventChannels } from './channels';
export { parseCursor } from './cursor';
export { createEventAppender, type AppendRequest, type EventAppender } from './event-appender';
export { decodeChannelMessage } from './event-codec';
export { createEventLogReader, type EventLogReader } from './event-log-reader';
export { encodeEphemeral, type EphemeralEnvelope, type EventEnvelope } from './event-types';
export { createTypingNotifier, type TypingNotifier, type TypingOutcome } from './typing-notifier';
export {
  createPresenceStore,
  LAST_SEEN_RETENTION_MS,
  type PresenceEntry,
  type PresenceStore,
  type PresenceTransition,
} from './presence-store';
