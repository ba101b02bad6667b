// The events lib's public surface: Redis names, event payloads, cursors, appending to and
// reading from a user's event log.
export { createEventChannels, type EventChannels } from './channels';
export { parseCursor } from './cursor';
export { createEventAppender, type AppendRequest, type EventAppender } from './event-appender';
export { decodeEnvelope } from './event-codec';
export { createEventLogReader, type EventLogReader } from './event-log-reader';
export type { EventEnvelope } from './event-types';
