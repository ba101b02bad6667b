// The contract lib's public surface: what the services and the browser agree on (the
// API's JSON, the stream's events and path, ids, message content). The browser bundle
// imports it, so nothing here may depend on Node.
export type { AuthProviders, Conversation, LoginAnswer, Message, Participant, TokenAnswer, User } from './api-shapes';
export {
  EPHEMERAL_TYPES,
  PRESENCE_WATCH_TTL_MS,
  TYPING_DISPLAY_MS,
  TYPING_INTERVAL_MS,
  TYPING_MAX_AGE_MS,
  type EphemeralDataByType,
  type EphemeralType,
  type PresenceState,
  type TypingNotice,
} from './ephemeral-events';
export { isId } from './ids';
export { contentLength, hasVisibleContent, MAX_CONTENT_LENGTH, normaliseContent } from './message-content';
export { EVENT_TYPES, STREAM_PATH, type EventDataByType, type EventType, type ReadReceipt } from './stream-events';
