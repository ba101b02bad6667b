import { createConversationStore } from '../src/client/conversation-store';
import type { Conversation, Message, Participant } from '#libs/contract';

const bob = { id: '2', username: 'bob', avatarUrl: null };
const carol = { id: '3', username: 'carol', avatarUrl: null };

function message(id: string, conversationId: string, createdAt: string, mine = false): Message {
  return { id, conversationId, createdAt, mine, content: `message ${id}` };
}

function conversation(
  id: string,
  lastMessage: Message | null,
  hasUnreadMessages = false,
  other: Participant = bob,
  otherParticipantReadAt = '2026-01-01T00:00:00.000Z',
): Conversation {
  return {
    id,
    createdAt: '2025-12-31T00:00:00.000Z',
    otherParticipant: other,
    lastMessage,
    hasUnreadMessages,
    unreadCount: hasUnreadMessages ? 1 : 0,
    otherParticipantReadAt,
  };
}

// The page's conversation list merges REST answers and live events in whatever order they arrive.
describe('The conversation store', () => {
  test('When live messages arrive for known conversations, then they move to the top and count as unread unless mine', () => {
    const store = createConversationStore();
    store.addPage(
      [
        conversation('10', message('1', '10', '2026-01-01T10:00:00.000Z')),
        conversation('11', message('2', '11', '2026-01-01T09:00:00.000Z')),
      ],
      25,
      true,
    );
    expect(store.list().map((c) => c.id)).toEqual(['10', '11']);

    expect(store.applyMessage(message('3', '11', '2026-01-01T11:00:00.000Z'))).toBe(true);
    expect(store.list().map((c) => c.id)).toEqual(['11', '10']);
    store.applyMessage(message('4', '11', '2026-01-01T11:00:01.000Z'));
    expect(store.unreadCount()).toBe(2);
    expect(store.get('11')).toMatchObject({ hasUnreadMessages: true, unreadCount: 2 });

    store.applyMessage(message('5', '10', '2026-01-01T12:00:00.000Z'));
    store.markRead('10');
    store.applyMessage(message('6', '11', '2026-01-01T12:00:01.000Z', true));
    expect(store.unreadCount()).toBe(0);
  });

  test('When a started conversation has no message yet, then it is listed by its creation time among the others', () => {
    const store = createConversationStore();
    store.upsert(conversation('10', message('1', '10', '2026-01-01T10:00:00.000Z')));
    store.upsert({ ...conversation('12', null, false, carol), createdAt: '2026-01-01T11:00:00.000Z' });
    store.upsert(conversation('11', message('2', '11', '2026-01-01T12:00:00.000Z')));
    expect(store.list().map((c) => c.id)).toEqual(['11', '12', '10']);
  });

  test('When a REST answer is older than a live event already applied, then the newer last message wins', () => {
    const store = createConversationStore();
    store.upsert(conversation('10', message('1', '10', '2026-01-01T10:00:00.000Z')));
    store.applyMessage(message('2', '10', '2026-01-01T10:00:05.000Z'));
    store.addPage([conversation('10', message('1', '10', '2026-01-01T10:00:00.000Z'), false)], 25, true);
    expect(store.get('10')?.lastMessage?.id).toBe('2');
    expect(store.get('10')?.hasUnreadMessages).toBe(true);
  });

  test('When the same event is applied twice, then nothing changes the second time', () => {
    const store = createConversationStore();
    store.upsert(conversation('10', null, false, carol));
    const event = message('7', '10', '2026-01-01T10:00:00.000Z');
    store.applyMessage(event);
    store.markRead('10');
    store.applyMessage(event);
    expect(store.unreadCount()).toBe(0);
  });

  test('When a message arrives for an unknown conversation, then the store says so (the app fetches it once)', () => {
    const store = createConversationStore();
    expect(store.applyMessage(message('1', '99', '2026-01-01T10:00:00.000Z'))).toBe(false);
  });

  test('When read receipts arrive out of order, then the latest one is kept', () => {
    const store = createConversationStore();
    store.applyRead({ conversationId: '10', userId: '2', readAt: '2026-01-01T10:00:05.000Z' });
    store.applyRead({ conversationId: '10', userId: '2', readAt: '2026-01-01T10:00:01.000Z' });
    expect(store.seenAt('10')).toBe('2026-01-01T10:00:05.000Z');
  });

  test('When REST answers and read events both carry the read marker, then the latest one is kept, whichever came last', () => {
    const store = createConversationStore();
    const mine = message('1', '10', '2026-01-01T10:00:00.000Z', true);
    store.upsert(conversation('10', mine, false, bob, '2026-01-01T10:00:00.000Z'));
    expect(store.seenAt('10')).toBe('2026-01-01T10:00:00.000Z');
    store.applyRead({ conversationId: '10', userId: '2', readAt: '2026-01-01T10:00:07.000Z' });
    // A REST answer that predates the read event does not move "Seen" back.
    store.addPage([conversation('10', mine, false, bob, '2026-01-01T10:00:00.000Z')], 25, true);
    expect(store.seenAt('10')).toBe('2026-01-01T10:00:07.000Z');
    store.upsert(conversation('10', mine, false, bob, '2026-01-01T10:00:09.000Z'));
    expect(store.seenAt('10')).toBe('2026-01-01T10:00:09.000Z');
  });

  test("When a presence event or a watch answer arrives, then every conversation with that user shows it, and others' are untouched", () => {
    const store = createConversationStore();
    store.upsert(conversation('10', null, false, { ...bob, online: false, lastSeenAt: '2026-01-01T09:00:00.000Z' }));
    store.upsert(conversation('11', null, false, { ...carol, online: false, lastSeenAt: null }));
    let changes = 0;
    store.subscribe(() => (changes += 1));
    store.applyPresence({ userId: bob.id, online: true, lastSeenAt: null });
    expect(store.get('10')?.otherParticipant).toMatchObject({ id: bob.id, online: true, lastSeenAt: null });
    expect(store.get('11')?.otherParticipant).toMatchObject({ id: carol.id, online: false });
    // The same state again changes nothing, so the list is not redrawn for it.
    store.applyPresence({ userId: bob.id, online: true, lastSeenAt: null });
    expect(changes).toBe(1);
  });
});
