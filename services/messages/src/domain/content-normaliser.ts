// The rule lives in libs/contract so that the browser's counter counts exactly what is stored.
export { MAX_CONTENT_LENGTH, contentLength, hasVisibleContent, normaliseContent } from '#libs/contract';
