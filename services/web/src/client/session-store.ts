import type { User } from '#libs/contract';

/**
 * The session (login token and user) lives in localStorage so it survives a reload.
 * The token only ever travels in Authorization headers to this origin; the event
 * stream uses a separate short-lived stream token (see live-events.ts).
 */
const KEY = 'messenger.session';

export interface Session {
  token: string;
  expiresAt: string;
  user: User;
}

export function loadSession(): Session | undefined {
  try {
    const raw = localStorage.getItem(KEY);
    if (!raw) return undefined;
    const session = JSON.parse(raw) as Session;
    if (typeof session?.token !== 'string' || typeof session.user?.id !== 'string') return undefined;
    if (Date.parse(session.expiresAt) <= Date.now()) return undefined;
    return session;
  } catch {
    return undefined;
  }
}

export function saveSession(session: Session): void {
  localStorage.setItem(KEY, JSON.stringify(session));
}

export function clearSession(): void {
  localStorage.removeItem(KEY);
}

/** Other tabs logging in or out: the caller reloads to follow. */
export function onSessionChangedElsewhere(listener: () => void): void {
  window.addEventListener('storage', (event) => {
    if (event.key === KEY || event.key === null) listener();
  });
}
