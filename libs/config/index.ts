// The config lib's public surface: every setting, read and validated in one place.
export { ConfigError, loadConfig, type Config } from './config';
export { redactUrl } from './redact-url';
