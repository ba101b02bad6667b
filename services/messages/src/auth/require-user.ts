import type { Middleware } from 'koa';
import { tokenFromRequest } from '#libs/auth';
import { AppError } from '#libs/http';
import type { UserRecord } from '../data/records';
import { tokenRefused, userGone, type AuthService } from '../domain/auth-service';

export interface UserState {
  userId: string;
  /** Set by requireUser only. */
  user: UserRecord;
}

// `Authorization: Bearer <session token>` only. No `?token=` here: query tokens are
// for the stream service's EventSource, and stream tokens are refused (auth-service.ts).
function bearer(authorization: string): string | undefined {
  try {
    return tokenFromRequest(authorization || undefined);
  } catch (error) {
    // A header that is not `Bearer <token>`: 401 token_malformed.
    throw tokenRefused(error);
  }
}

/** A valid session token of an existing user, looked up first; or 401. */
export function requireUser(auth: AuthService): Middleware<UserState> {
  return async (ctx, next) => {
    const user = await auth.authenticate(bearer(ctx.get('authorization')));
    ctx.state.userId = user.id;
    ctx.state.user = user;
    await next();
  };
}

/**
 * A valid session token, for routes scoped to a conversation the caller takes part in.
 * Their queries only succeed through the caller's participant row, which is deleted
 * with the user, so success proves the user exists: the user is looked up only when
 * the route fails with a client error, which becomes 401 when the user is gone (as
 * with requireUser). This saves a query on the hottest route, sending a message.
 */
export function requireSession(auth: AuthService): Middleware<UserState> {
  return async (ctx, next) => {
    ctx.state.userId = auth.verifySession(bearer(ctx.get('authorization')));
    try {
      await next();
    } catch (error) {
      const clientError =
        error instanceof AppError && error.status >= 400 && error.status < 500 && error.status !== 401;
      if (clientError && !(await auth.userExists(ctx.state.userId))) {
        throw userGone();
      }
      throw error;
    }
  };
}
