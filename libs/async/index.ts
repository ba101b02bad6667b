// The async lib's public surface: waiting on a promise for a bounded time.
export { TimeoutError, withTimeout } from './with-timeout';
