import { createRouter } from '#libs/koa';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { UserState } from '../auth/require-user';
import type { ConversationService } from '../domain/conversation-service';
import { pathId } from '../domain/ids';
import { presentConversation, presentUser } from '../domain/presenters';
import type { TypingService } from '../domain/typing-service';
import { beforeIdSchema, limitSchema, parseInput, usernameSchema } from '../domain/validation';

const startBody = z.object({ username: usernameSchema });
const listQuery = z.object({ before: beforeIdSchema, limit: limitSchema(25, 50) });

export function conversationRoutes(
  conversations: ConversationService,
  requireUser: Middleware<UserState>,
  requireSession: Middleware<UserState>,
  typingNotices: TypingService,
) {
  const router = createRouter<UserState>();

  router.post('/api/conversations', requireUser, async (ctx) => {
    const { username } = parseInput(startBody, ctx.request.body);
    const { conversation, created } = await conversations.start(ctx.state.user, username);
    ctx.status = created ? 201 : 200;
    ctx.body = presentConversation(conversation, ctx.state.user.id);
  });

  router.get('/api/conversations', requireUser, async (ctx) => {
    const { before, limit } = parseInput(listQuery, ctx.query);
    const page = await conversations.list(ctx.state.user.id, limit, before);
    ctx.body = page.map((c) => presentConversation(c, ctx.state.user.id));
  });

  router.get('/api/conversations/:id', requireSession, async (ctx) => {
    const conversation = await conversations.get(pathId(ctx.params.id), ctx.state.userId);
    ctx.body = presentConversation(conversation, ctx.state.userId);
  });

  router.get('/api/conversations/:id/other_participant', requireSession, async (ctx) => {
    const conversation = await conversations.get(pathId(ctx.params.id), ctx.state.userId);
    ctx.body = presentUser(conversation.otherParticipant);
  });

  // No body: the conversation and the caller say it all.
  router.post('/api/conversations/:id/typing', requireSession, async (ctx) => {
    await typingNotices.typing(pathId(ctx.params.id), ctx.state.userId);
    ctx.status = 204;
  });

  return router;
}
