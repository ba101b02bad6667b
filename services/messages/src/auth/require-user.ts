import type { Middleware, ParameterizedContext } from 'koa';
import { tokenFromRequest } from '../../../../libs/auth/bearer-token';
import type { UserRecord } from '../data/records';
import type { AuthService } from '../domain/auth-service';

export interface UserState {
  user: UserRecord;
}

/**
 * `Authorization: Bearer <session token>` of an existing user, or 401. No `?token=`
 * here: query tokens are for the stream service's EventSource only.
 */
export function requireUser(auth: AuthService): Middleware<UserState> {
  return async (ctx, next) => {
    ctx.state.user = await auth.authenticate(tokenFromRequest(ctx.get('authorization') || undefined));
    await next();
  };
}

export function currentUser(ctx: ParameterizedContext<UserState>): UserRecord {
  return ctx.state.user;
}
