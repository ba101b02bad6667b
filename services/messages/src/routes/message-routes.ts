import { createRouter } from '#libs/koa';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { UserState } from '../auth/require-user';
import { pathId } from '../domain/ids';
import type { MessageService } from '../domain/message-service';
import { presentMessage } from '../domain/presenters';
import { beforeIdSchema, limitSchema, parseInput } from '../domain/validation';

// Content rules (normalisation, emptiness, 480 characters) apply after normalisation, in
// message-service.ts; the 64 KiB body limit already bounds what gets normalised.
// `clientId`: the sender's own UUID for the message, so a retry cannot store it twice.
const sendBody = z.object({
  content: z.string({ error: 'is required' }),
  clientId: z.uuid({ error: 'must be a UUID' }).optional(),
});
const listQuery = z.object({
  before: beforeIdSchema,
  limit: limitSchema(25, 100),
  // `false`: read without moving the read marker (a page that marks read itself, once the messages are on screen).
  markRead: z.enum(['true', 'false'], { error: 'must be true or false' }).optional(),
});

/** `messageSent` counts each message stored (a retry answered with the first one is not). */
export function messageRoutes(
  messages: MessageService,
  requireSession: Middleware<UserState>,
  messageSent: () => void,
) {
  const router = createRouter<UserState>();

  router.post('/api/conversations/:id/messages', requireSession, async (ctx) => {
    const conversationId = pathId(ctx.params.id);
    const { content, clientId } = parseInput(sendBody, ctx.request.body);
    const { message, created } = await messages.send(conversationId, ctx.state.userId, content, clientId);
    if (created) messageSent();
    ctx.status = created ? 201 : 200;
    ctx.body = presentMessage(message, ctx.state.userId);
  });

  router.get('/api/conversations/:id/messages', requireSession, async (ctx) => {
    const conversationId = pathId(ctx.params.id);
    const { before, limit, markRead } = parseInput(listQuery, ctx.query);
    const page = await messages.list(conversationId, ctx.state.userId, limit, before, markRead !== 'false');
    ctx.body = page.map((m) => presentMessage(m, ctx.state.userId));
  });

  router.post('/api/conversations/:id/read_messages', requireSession, async (ctx) => {
    await messages.markRead(pathId(ctx.params.id), ctx.state.userId);
    ctx.status = 204;
  });

  return router;
}
