import { InvalidTokenError, type SignedToken, type TokenService } from '#libs/auth';
import { unauthorized } from '#libs/http';
import type { UserRecord } from '../data/records';
import type { UserRepository } from '../data/user-repository';
import type { GithubProfile } from '../oauth/github-client';
import { usernameCandidate } from './github-username';
import { LoginFailure } from './login-failure';

// login, login-2 ... login-50: past that, someone is squatting the name on purpose.
const MAX_USERNAME_ATTEMPTS = 50;

export interface LoginResult extends SignedToken {
  user: UserRecord;
}

export const userGone = () => unauthorized('The token belongs to no user', 'token_invalid');

/** A refused token as the API answers it: 401 with code `token_<reason>`; anything else unchanged. */
export function tokenRefused(error: unknown): unknown {
  return error instanceof InvalidTokenError ? unauthorized(error.message, `token_${error.reason}`) : error;
}

export function createAuthService(users: UserRepository, tokens: TokenService) {
  /** Development login: as the user with this name in any case, created when missing. */
  async function login(username: string): Promise<LoginResult> {
    const user = await users.findOrCreate(username);
    return { user, ...tokens.sign(user.id, 'session') };
  }

  /**
   * Sign-in with GitHub: the user linked to the GitHub account (their avatar updated),
   * or a new one. A returning user keeps their account and username even after renaming
   * on GitHub. A new user gets their GitHub login as username when it is free, else the
   * first free `login-2`, `login-3`, ...: a taken name belongs to another account (a
   * development-login user, or someone who held the login before), so it is never linked
   * by name.
   */
  async function loginWithGithub(profile: GithubProfile): Promise<LoginResult> {
    const user = await findOrCreateGithubUser(profile);
    return { user, ...tokens.sign(user.id, 'session') };
  }

  async function findOrCreateGithubUser({ id, login, avatarUrl }: GithubProfile): Promise<UserRecord> {
    for (let attempt = 1; attempt <= MAX_USERNAME_ATTEMPTS; attempt++) {
      const linked = await users.updateGithubUser(id, avatarUrl);
      if (linked) return linked;
      const created = await users.insertGithubUser(usernameCandidate(login, attempt), id, avatarUrl);
      if (created) return created;
      // Taken: either the name (try the next one) or, when the same account signed in
      // concurrently, the GitHub id (found by the update at the top of the loop).
    }
    throw new LoginFailure(
      'username_unavailable',
      `no free username among ${MAX_USERNAME_ATTEMPTS} variants of the GitHub login`,
    );
  }

  /**
   * The user a session token belongs to. Stream tokens travel in URLs, so this API
   * refuses them; a token of a deleted user is refused too.
   */
  async function authenticate(token: string | undefined): Promise<UserRecord> {
    const user = await users.findById(verifySession(token));
    if (!user) throw userGone();
    return user;
  }

  /** The user id of a valid session token, without looking the user up (see requireSession). */
  function verifySession(token: string | undefined): string {
    try {
      return tokens.verify(token, ['session']).userId;
    } catch (error) {
      throw tokenRefused(error);
    }
  }

  async function userExists(userId: string): Promise<boolean> {
    return (await users.findById(userId)) !== undefined;
  }

  const refresh = (userId: string): SignedToken => tokens.sign(userId, 'session');
  /** A short-lived token for the stream service's EventSource URL (issue 4). */
  const streamToken = (userId: string): SignedToken => tokens.sign(userId, 'stream');

  return { login, loginWithGithub, authenticate, verifySession, userExists, refresh, streamToken };
}

export type AuthService = ReturnType<typeof createAuthService>;
