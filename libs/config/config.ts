import { z } from 'zod';
import defaults from './defaults.json';
import { parseRedisClusterNodes } from './redis-cluster-nodes';

/**
 * Every setting of every service, read from the environment and validated in one
 * place before anything listens. A bad value stops startup with a message naming it.
 */

// Development only: keeps `npm start` working on a fresh clone, loudly (see main.ts
// of each service). Production refuses to start without a real JWT_SECRET.
export const DEVELOPMENT_JWT_SECRET = 'messenger-development-secret-not-for-production';
const MIN_SECRET_LENGTH = 32;

const port = (fallback: number) => z.coerce.number().int().min(0).max(65535).default(fallback);
const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);
const optionalBool = () =>
  z
    .enum(['true', 'false', '1', '0'])
    .transform((v) => v === 'true' || v === '1')
    .optional();
const url = (fallback: string, protocols: string[]) =>
  z
    .string()
    .default(fallback)
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL starting with ${protocols.map((p) => `${p}//`).join(' or ')}`,
    );
const httpUrl = () =>
  z.string().refine((value) => {
    try {
      return ['http:', 'https:'].includes(new URL(value).protocol);
    } catch {
      return false;
    }
  }, 'must be a URL starting with http:// or https://');

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  // Unset: pretty one-line logs in development on a terminal, JSON lines otherwise.
  LOG_FORMAT: z.enum(['pretty', 'json']).optional(),
  // Unset: each service serves /metrics on its own port.
  METRICS_PORT: z.coerce.number().int().min(0).max(65535).optional(),
  HOST: z.string().min(1).default('127.0.0.1'),
  DATABASE_URL: url(defaults.databaseUrl, ['postgresql:', 'postgres:']),
  // Connections of the messages service's pool (Prisma and the send share it); see the README.
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(100).default(10),
  REDIS_URL: url(defaults.redisUrl, ['redis:', 'rediss:']),
  // Set: every service uses this Redis Cluster (sharded pub/sub) instead of REDIS_URL.
  REDIS_CLUSTER_NODES: z
    .string()
    .transform((value, ctx) => {
      const parsed = parseRedisClusterNodes(value);
      if (typeof parsed === 'string') ctx.addIssue({ code: 'custom', message: parsed });
      return parsed;
    })
    .optional(),
  JWT_SECRET: z.string().optional(),
  JWT_TTL_SECONDS: positiveInt(14 * 24 * 60 * 60),
  STREAM_TOKEN_TTL_SECONDS: z.coerce.number().int().positive().max(300).default(300),
  DEV_LOGIN: optionalBool(),
  MESSAGES_PORT: port(3000),
  STREAM_PORT: port(3001),
  WEB_PORT: port(8080),
  // Where the web service proxies the API (MESSAGES_URL) and the event stream (STREAM_URL);
  // by default the services on this host, at MESSAGES_PORT and STREAM_PORT.
  MESSAGES_URL: httpUrl().optional(),
  STREAM_URL: httpUrl().optional(),
  EVENTS_PREFIX: z
    .string()
    .regex(/^[\w.-]+$/, 'letters, digits, "_", "." and "-" only')
    .default('messenger'),
  EVENTS_LOG_MAX_EVENTS: positiveInt(1000),
  EVENTS_LOG_TTL_SECONDS: positiveInt(24 * 60 * 60),
  EVENTS_CURSOR_TTL_SECONDS: positiveInt(30 * 24 * 60 * 60),
  STREAM_HEARTBEAT_MS: z.coerce.number().int().min(100).max(25_000).default(15_000),
  STREAM_RETRY_MS: positiveInt(2000),
  STREAM_MAX_BUFFERED_BYTES: positiveInt(1024 * 1024),
  STREAM_SHUTDOWN_SPREAD_MS: z.coerce.number().int().min(0).max(8000).default(3000),
  // Unset: no limit on the streams of one instance.
  STREAM_MAX_CONNECTIONS: z.coerce.number().int().positive().optional(),
  STREAM_MAX_CONNECTIONS_PER_USER: positiveInt(20),
  // Online and last seen: `off` hides them everywhere and the stream service writes no presence.
  PRESENCE: z.enum(['on', 'off'], { error: 'must be on or off' }).default('on'),
  // Sign in with GitHub: on when both the client id and secret are set (see githubSettings).
  GITHUB_CLIENT_ID: z.string().optional(),
  GITHUB_CLIENT_SECRET: z.string().optional(),
  // Other hosts for GitHub Enterprise, or a local fake provider in tests.
  GITHUB_OAUTH_URL: url('https://github.com', ['https:', 'http:']),
  GITHUB_API_URL: url('https://api.github.com', ['https:', 'http:']),
  PUBLIC_URL: httpUrl()
    .refine(isOrigin, 'must be an origin only (scheme, host and port; no path, query or fragment)')
    .optional(),
});

export type Config = ReturnType<typeof loadConfig>;

export class ConfigError extends Error {
  override name = 'ConfigError';
}

export function loadConfig(env: NodeJS.ProcessEnv = process.env) {
  const parsed = envSchema.safeParse(stripEmpty(env));
  if (!parsed.success) {
    const lines = parsed.error.issues.map((issue) => `  ${issue.path.join('.')}: ${issue.message}`);
    throw new ConfigError(`Invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  const production = e.NODE_ENV === 'production';
  if (production && (e.JWT_SECRET ?? '').length < MIN_SECRET_LENGTH) {
    throw new ConfigError(
      `Invalid configuration:\n  JWT_SECRET: must be set to at least ${MIN_SECRET_LENGTH} characters when NODE_ENV=production`,
    );
  }
  // A user's head (the position of their log) must outlive the log: while it lives, a
  // client whose cursor is its newest needs nothing replayed, log or no log.
  if (e.EVENTS_CURSOR_TTL_SECONDS < e.EVENTS_LOG_TTL_SECONDS) {
    throw new ConfigError(
      `Invalid configuration:\n  EVENTS_CURSOR_TTL_SECONDS: must be at least EVENTS_LOG_TTL_SECONDS (${e.EVENTS_LOG_TTL_SECONDS})`,
    );
  }
  const jwtSecret = e.JWT_SECRET || DEVELOPMENT_JWT_SECRET;
  const publicUrl = e.PUBLIC_URL ? new URL(e.PUBLIC_URL).origin : `http://127.0.0.1:${e.WEB_PORT}`;
  return {
    env: e.NODE_ENV,
    logLevel: e.LOG_LEVEL,
    logFormat: e.LOG_FORMAT ?? (production || !process.stdout.isTTY ? 'json' : 'pretty'),
    /** Where /metrics is served: undefined for each service's own port. */
    metricsPort: e.METRICS_PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    databasePoolSize: e.DATABASE_POOL_SIZE,
    redisUrl: e.REDIS_URL,
    /** Null in standalone mode (REDIS_URL). */
    redisCluster: typeof e.REDIS_CLUSTER_NODES === 'object' ? e.REDIS_CLUSTER_NODES : null,
    auth: {
      jwtSecret,
      usingDevelopmentSecret: jwtSecret === DEVELOPMENT_JWT_SECRET,
      tokenTtlSeconds: e.JWT_TTL_SECONDS,
      streamTokenTtlSeconds: e.STREAM_TOKEN_TTL_SECONDS,
      devLogin: e.DEV_LOGIN ?? !production,
      github: githubSettings(e, production),
    },
    /** The origin users reach (the web app), for URLs the services hand out: the OAuth callback, login redirects. */
    publicUrl,
    events: {
      prefix: e.EVENTS_PREFIX,
      logMaxEvents: e.EVENTS_LOG_MAX_EVENTS,
      logTtlSeconds: e.EVENTS_LOG_TTL_SECONDS,
      cursorTtlSeconds: e.EVENTS_CURSOR_TTL_SECONDS,
    },
    /** Online and last-seen presence (PRESENCE=on); false hides it everywhere. */
    presence: e.PRESENCE === 'on',
    messages: { port: e.MESSAGES_PORT },
    stream: {
      port: e.STREAM_PORT,
      heartbeatMs: e.STREAM_HEARTBEAT_MS,
      retryMs: e.STREAM_RETRY_MS,
      maxBufferedBytes: e.STREAM_MAX_BUFFERED_BYTES,
      shutdownSpreadMs: e.STREAM_SHUTDOWN_SPREAD_MS,
      /** Streams one instance holds at most; more get 503 (stream-limits.ts). */
      maxConnections: e.STREAM_MAX_CONNECTIONS ?? Infinity,
      /** Streams one user holds at most on one instance; more get 429. */
      maxConnectionsPerUser: e.STREAM_MAX_CONNECTIONS_PER_USER,
    },
    web: {
      port: e.WEB_PORT,
      messagesUrl: e.MESSAGES_URL ?? `http://127.0.0.1:${e.MESSAGES_PORT}`,
      streamUrl: e.STREAM_URL ?? `http://127.0.0.1:${e.STREAM_PORT}`,
    },
  };
}

/**
 * Null when GitHub login is off. Both credentials or neither: one without the other is
 * a mistake worth stopping for, not a silently disabled login. PUBLIC_URL becomes the
 * registered callback's origin, so production must say it rather than guess.
 */
function githubSettings(e: z.output<typeof envSchema>, production: boolean) {
  const id = e.GITHUB_CLIENT_ID;
  const secret = e.GITHUB_CLIENT_SECRET;
  if (!id && !secret) return null;
  if (!id)
    throw new ConfigError('Invalid configuration:\n  GITHUB_CLIENT_ID: must be set when GITHUB_CLIENT_SECRET is');
  if (!secret)
    throw new ConfigError('Invalid configuration:\n  GITHUB_CLIENT_SECRET: must be set when GITHUB_CLIENT_ID is');
  if (production && !e.PUBLIC_URL) {
    throw new ConfigError(
      'Invalid configuration:\n  PUBLIC_URL: must be set when GitHub login is on (GITHUB_CLIENT_ID) and NODE_ENV=production',
    );
  }
  return {
    clientId: id,
    clientSecret: secret,
    oauthUrl: e.GITHUB_OAUTH_URL.replace(/\/$/, ''),
    apiUrl: e.GITHUB_API_URL.replace(/\/$/, ''),
  };
}

function isOrigin(value: string): boolean {
  try {
    const { pathname, search, hash, username, password } = new URL(value);
    return pathname === '/' && !search && !hash && !username && !password;
  } catch {
    return false;
  }
}

// `FOO=` in a shell or compose file means "not set", not "set to the empty string".
function stripEmpty(env: NodeJS.ProcessEnv) {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== ''));
}
