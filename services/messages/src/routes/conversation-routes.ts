import { createRouter } from '#libs/koa';
import type { Middleware } from 'koa';
import { z } from 'zod';
import type { UserState } from '../auth/require-user';
import type { ConversationService } from '../domain/conversation-service';
import { pathId } from '../domain/ids';
import { presentConversation, presentUser } from '../domain/presenters';
import type { PresenceService } from '../domain/presence-service';
import type { TypingService } from '../domain/typing-service';
import { beforeIdSchema, limitSchema, parseInput, usernameSchema } from '../domain/validation';

const startBody = z.object({ username: usernameSchema });
const listQuery = z.object({ before: beforeIdSchema, limit: limitSchema(25, 50) });

export function conversationRoutes(
  conversations: ConversationService,
  requireUser: Middleware<UserState>,
  requireSession: Middleware<UserState>,
  typingNotices: TypingService,
  presence: PresenceService,
) {
  const router = createRouter<UserState>();

  router.post('/api/conversations', requireUser, async (ctx) => {
    const { username } = parseInput(startBody, ctx.request.body);
    const { conversation, created } = await conversations.start(ctx.state.user, username);
    const states = await presence.statesFor([conversation]);
    ctx.status = created ? 201 : 200;
    ctx.body = presentConversation(conversation, ctx.state.user.id, states);
  });

  router.get('/api/conversations', requireUser, async (ctx) => {
    const { before, limit } = parseInput(listQuery, ctx.query);
    const page = await conversations.list(ctx.state.user.id, limit, before);
    // The whole page's presence in one Redis round trip, not one per row.
    const states = await presence.statesFor(page);
    ctx.body = page.map((c) => presentConversation(c, ctx.state.user.id, states));
  });

  router.get('/api/conversations/:id', requireSession, async (ctx) => {
    const conversation = await conversations.get(pathId(ctx.params.id), ctx.state.userId);
    ctx.body = presentConversation(conversation, ctx.state.userId, await presence.statesFor([conversation]));
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

  // Watch the other participant's presence for PRESENCE_WATCH_TTL_MS; answers their state.
  router.post('/api/conversations/:id/watch', requireSession, async (ctx) => {
    ctx.body = await presence.watch(pathId(ctx.params.id), ctx.state.userId);
  });

  return router;
}
