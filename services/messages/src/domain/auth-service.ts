import { InvalidTokenError, type SignedToken, type TokenService } from '../../../../libs/auth/token-service';
import { unauthorized } from '../../../../libs/http/app-error';
import type { UserRecord } from '../data/records';
import type { UserRepository } from '../data/user-repository';

export interface LoginResult extends SignedToken {
  user: UserRecord;
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
    let userId: string;
    try {
      userId = tokens.verify(token, ['session']).userId;
    } catch (error) {
      if (error instanceof InvalidTokenError) throw unauthorized(error.message, `token_${error.reason}`);
      throw error;
    }
    const user = await users.findById(userId);
    if (!user) throw unauthorized('The token belongs to no user', 'token_invalid');
    return user;
  }

  const refresh = (userId: string): SignedToken => tokens.sign(userId, 'session');
  /** A short-lived token for the stream service's EventSource URL (issue 4). */
  const streamToken = (userId: string): SignedToken => tokens.sign(userId, 'stream');

  return { login, authenticate, refresh, streamToken };
}

export type AuthService = ReturnType<typeof createAuthService>;
