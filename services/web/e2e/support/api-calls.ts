/** The REST API straight from the test, for users who have no browser (or to set a scene fast). */
export async function apiCall(baseUrl: string, method: string, path: string, token?: string, body?: unknown) {
  const response = await fetch(baseUrl + path, {
    method,
    headers: { 'content-type': 'application/json', ...(token ? { authorization: `Bearer ${token}` } : {}) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!response.ok) throw new Error(`${method} ${path}: ${response.status} ${await response.text()}`);
  return response.status === 204 ? undefined : response.json();
}

export interface LoginAnswer {
  token: string;
  expiresAt: string;
  authUser: { id: string; username: string; avatarUrl: string | null };
}

export async function apiLogin(baseUrl: string, username: string): Promise<LoginAnswer> {
  return apiCall(baseUrl, 'POST', '/api/login', undefined, { username });
}

/** Starts (or finds) the conversation of the token's user with `username`; returns its id. */
export async function apiStart(baseUrl: string, token: string, username: string): Promise<string> {
  return ((await apiCall(baseUrl, 'POST', '/api/conversations', token, { username })) as { id: string }).id;
}

export async function apiSend(baseUrl: string, token: string, conversationId: string, content: string) {
  return apiCall(baseUrl, 'POST', `/api/conversations/${conversationId}/messages`, token, { content });
}
