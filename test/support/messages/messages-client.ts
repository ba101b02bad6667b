import { randomBytes } from 'node:crypto';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
}

export interface RequestOptions {
  token?: string;
  /** Sent as JSON with Content-Type: application/json. */
  json?: unknown;
  /** Sent as is (for malformed, compressed and oversized bodies); set the headers yourself. */
  body?: string | Uint8Array;
  headers?: Record<string, string>;
}

/**
 * A small HTTP client on fetch for the messages API. Never throws on a status code.
 * The base URL may be a function, for a client made before its server has started.
 */
export function createApiClient(baseUrl: string | (() => string)) {
  const base = typeof baseUrl === 'string' ? () => baseUrl : baseUrl;
  async function request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...options.headers };
    if (options.token !== undefined) headers.authorization = `Bearer ${options.token}`;
    let body = options.body;
    if (options.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(options.json);
    }
    const response = await fetch(base() + path, { method, headers, body: body as BodyInit | undefined });
    const text = await response.text();
    let parsed: unknown = text;
    if ((response.headers.get('content-type') ?? '').includes('json') && text) parsed = JSON.parse(text);
    return { status: response.status, headers: response.headers, body: parsed as T };
  }

  return {
    request,
    get: <T = any>(path: string, options?: RequestOptions) => request<T>('GET', path, options),
    post: <T = any>(path: string, options?: RequestOptions) => request<T>('POST', path, options),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;

export interface TestUser {
  id: string;
  username: string;
  token: string;
}

/** A username no other test (in this file or any other) uses: prefix plus random hex, at most 39 chars. */
export function uniqueUsername(prefix = 'u'): string {
  return `${prefix.slice(0, 24)}_${randomBytes(6).toString('hex')}`;
}

/** Logs in (creating the user) through the development login. */
export async function loginUser(api: ApiClient, username = uniqueUsername()): Promise<TestUser> {
  const response = await api.post('/api/login', { json: { username } });
  if (response.status !== 200)
    throw new Error(`login ${username} failed: ${response.status} ${JSON.stringify(response.body)}`);
  return { id: response.body.authUser.id, username: response.body.authUser.username, token: response.body.token };
}

/** Starts (or finds) the conversation of `user` with `other`; returns its id. */
export async function startConversation(api: ApiClient, user: TestUser, other: TestUser): Promise<string> {
  const response = await api.post('/api/conversations', { token: user.token, json: { username: other.username } });
  if (response.status !== 201 && response.status !== 200) {
    throw new Error(`start conversation failed: ${response.status} ${JSON.stringify(response.body)}`);
  }
  return response.body.id;
}

export async function sendMessage(api: ApiClient, user: TestUser, conversationId: string, content: string) {
  const response = await api.post(`/api/conversations/${conversationId}/messages`, {
    token: user.token,
    json: { content },
  });
  if (response.status !== 201) throw new Error(`send failed: ${response.status} ${JSON.stringify(response.body)}`);
  return response.body as { id: string; content: string; conversationId: string; createdAt: string; mine: boolean };
}

/**
 * The ids of a keyset-paged list (conversations or messages), page after page of
 * `limit`, each page asked `before` the last id seen, until an empty page (at most 20).
 */
export async function collectPages(api: ApiClient, path: string, token: string, limit: number): Promise<string[]> {
  const seen: string[] = [];
  let before: string | undefined;
  for (let page = 0; page < 20; page++) {
    const response = await api.get(`${path}?limit=${limit}${before ? `&before=${before}` : ''}`, { token });
    expect(response.status).toBe(200);
    expect(response.body.length).toBeLessThanOrEqual(limit);
    if (response.body.length === 0) break;
    seen.push(...response.body.map((item: { id: string }) => item.id));
    before = seen.at(-1);
  }
  return seen;
}
