// The logger lib's public surface: pino, with secrets redacted.
export { createLogger, type Logger } from './logger';
