import type {
  AuthProviders,
  Conversation,
  LoginAnswer,
  Message,
  PresenceState,
  TokenAnswer,
  User,
} from '#libs/contract';

/** An error answer of the API: `{"error": {"code", "message", "fields"?}}`. */
export class ApiError extends Error {
  override name = 'ApiError';
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly fields: Record<string, string> = {},
  ) {
    super(message);
  }
}

export const PAGE_SIZE = 25;
// A send still unanswered after this long is shown as "Not sent", with Retry.
const SEND_TIMEOUT_MS = 15_000;
// Any other request: a page never waits forever on a hung connection, it says so and offers to try again.
const REQUEST_TIMEOUT_MS = 20_000;

/**
 * The messages service's REST API (the root README's REST API), same origin. `getToken` gives the
 * session token for the Authorization header; `onUnauthorized` runs when the server
 * no longer accepts it (expired, or the user is gone), so the app can log out.
 */
export function createApiClient(getToken: () => string | undefined, onUnauthorized: () => void) {
  async function request<T>(
    method: string,
    path: string,
    body?: unknown,
    { token = getToken(), timeoutMs = REQUEST_TIMEOUT_MS }: { token?: string; timeoutMs?: number } = {},
  ): Promise<T> {
    const headers: Record<string, string> = { accept: 'application/json' };
    if (token) headers.authorization = `Bearer ${token}`;
    if (body !== undefined) headers['content-type'] = 'application/json';
    let response: Response;
    try {
      response = await fetch(path, {
        method,
        headers,
        body: body === undefined ? undefined : JSON.stringify(body),
        signal: AbortSignal.timeout(timeoutMs),
      });
    } catch (caught) {
      if (caught instanceof DOMException && caught.name === 'TimeoutError') {
        throw new ApiError(0, 'timeout', 'The server took too long to answer.');
      }
      throw new ApiError(0, 'network', 'Cannot reach the server. Check your connection.');
    }
    if (response.status === 204) return undefined as T;
    const payload = (await response.json().catch(() => undefined)) as
      { error?: { code?: string; message?: string; fields?: Record<string, string> } } | undefined;
    if (!response.ok) {
      if (response.status === 401 && token) onUnauthorized();
      const error = payload?.error;
      throw new ApiError(
        response.status,
        error?.code ?? 'http_error',
        error?.message ?? `Request failed (${response.status})`,
        error?.fields,
      );
    }
    return payload as T;
  }

  const id = (value: string) => encodeURIComponent(value);
  const query = (params: Record<string, string | number | undefined>) => {
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(params)) if (value !== undefined) search.set(key, String(value));
    const text = search.toString();
    return text ? `?${text}` : '';
  };

  return {
    login: (username: string) => request<LoginAnswer>('POST', '/api/login', { username }),
    authUser: () => request<User>('GET', '/api/auth_user'),
    /** The user of a token the app does not hold yet (the one a sign-in with GitHub brought back). */
    authUserWith: (token: string) => request<User>('GET', '/api/auth_user', undefined, { token }),
    providers: () => request<AuthProviders>('GET', '/api/auth/providers'),
    refreshToken: () => request<TokenAnswer>('POST', '/api/refresh_token'),
    streamToken: () => request<TokenAnswer>('POST', '/api/stream_token'),
    usernames: (search: string) => request<string[]>('GET', `/api/usernames${query({ search })}`),
    startConversation: (username: string) => request<Conversation>('POST', '/api/conversations', { username }),
    conversations: (before?: string) =>
      request<Conversation[]>('GET', `/api/conversations${query({ before, limit: PAGE_SIZE })}`),
    conversation: (conversationId: string) => request<Conversation>('GET', `/api/conversations/${id(conversationId)}`),
    // The page marks read itself, once the messages are on screen in a visible tab.
    messages: (conversationId: string, before?: string) =>
      request<Message[]>(
        'GET',
        `/api/conversations/${id(conversationId)}/messages${query({ before, limit: PAGE_SIZE, markRead: 'false' })}`,
      ),
    // `clientId` makes a retry safe: the server answers the message it stored the first time.
    sendMessage: (conversationId: string, content: string, clientId: string) =>
      request<Message>(
        'POST',
        `/api/conversations/${id(conversationId)}/messages`,
        { content, clientId },
        { timeoutMs: SEND_TIMEOUT_MS },
      ),
    readMessages: (conversationId: string) =>
      request<void>('POST', `/api/conversations/${id(conversationId)}/read_messages`),
    /** Tells the other participant the user is typing (204; 429 when sooner than TYPING_INTERVAL_MS after the last). */
    typing: (conversationId: string) => request<void>('POST', `/api/conversations/${id(conversationId)}/typing`),
    /** The other participant's presence now, and their `presence` events on this user's streams for a while. */
    watchPresence: (conversationId: string) =>
      request<PresenceState>('POST', `/api/conversations/${id(conversationId)}/watch`),
  };
}

export type ApiClient = ReturnType<typeof createApiClient>;
