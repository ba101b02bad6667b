// The service lib's public surface: the one main every service runs.
export { runService } from './run-service';
