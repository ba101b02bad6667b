import { createRouter } from '#libs/koa';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { UserState } from '../auth/require-user';
import type { UserService } from '../domain/user-service';
import { parseInput } from '../domain/validation';

const searchQuery = z.object({
  search: z
    .string({ error: 'is required' })
    .min(1, 'must not be empty')
    .max(39, 'must be at most 39 characters')
    // PostgreSQL text cannot hold NUL: refused here rather than failing the query with a 500.
    .refine((s) => !s.includes('\u0000'), 'must not contain NUL characters'),
});

export function userRoutes(users: UserService, requireUser: Middleware<UserState>) {
  const router = createRouter<UserState>();

  router.get('/api/usernames', requireUser, async (ctx) => {
    const { search } = parseInput(searchQuery, ctx.query);
    ctx.body = await users.suggestUsernames(search, ctx.state.user.id);
  });

  return router;
}
