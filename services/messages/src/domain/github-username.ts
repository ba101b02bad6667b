/** Usernames are 1 to 39 of these (domain/validation.ts), like GitHub logins. */
const MAX_LENGTH = 39;
const NOT_ALLOWED = /[^A-Za-z0-9_-]/g;

/**
 * The username a new GitHub user gets on the given attempt: their login first, then
 * `login-2`, `login-3`, ... while the name is taken. A suffix that would pass 39
 * characters shortens the login instead. Characters a username cannot hold (possible
 * on GitHub Enterprise) become "-".
 */
export function usernameCandidate(login: string, attempt: number): string {
  const base = login.replace(NOT_ALLOWED, '-').slice(0, MAX_LENGTH) || 'github-user';
  if (attempt <= 1) return base;
  const suffix = `-${attempt}`;
  return base.slice(0, MAX_LENGTH - suffix.length) + suffix;
}
