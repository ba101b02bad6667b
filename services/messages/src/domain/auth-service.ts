import { InvalidTokenError, type SignedToken, type TokenService } from '../../../../libs/auth/token-service';
import { unauthorized } from '../../../../libs/http/app-error';
import type { UserRecord } from '../data/records';
import type { UserRepository } from '../data/user-repository';

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

  return { login, authenticate, verifySession, userExists, refresh, streamToken };
}

export type AuthService = ReturnType<typeof createAuthService>;
