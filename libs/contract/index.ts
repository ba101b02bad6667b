// The contract lib's public surface: what the services and the browser agree on. The
// browser bundle imports it, so nothing here may depend on Node.
export { contentLength, hasVisibleContent, MAX_CONTENT_LENGTH, normaliseContent } from './message-content';
