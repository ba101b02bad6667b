import { el } from '../dom';
import { relativeTime } from '../relative-time';
import type { Conversation } from '../types';
import { avatar } from './avatar';

/** One row of the conversation list: who, the last message (prefixed "You: " when it is yours), when. */
export function conversationItem(conversation: Conversation): HTMLLIElement {
  const { otherParticipant: other, lastMessage } = conversation;
  const unread = conversation.hasUnreadMessages;
  const preview = lastMessage ? `${lastMessage.mine ? 'You: ' : ''}${lastMessage.content}` : '';
  return el(
    'li',
    {
      class: unread ? 'conversation unread' : 'conversation',
      'data-unread': String(unread),
      'data-conversation-id': conversation.id,
    },
    el(
      'a',
      { href: `/conversations/${encodeURIComponent(conversation.id)}`, 'data-route': true },
      avatar(other),
      el(
        'span',
        { class: 'conversation-body' },
        el(
          'span',
          { class: 'conversation-name' },
          other.username,
          unread ? el('span', { class: 'visually-hidden' }, ' (unread)') : null,
        ),
        el('span', { class: 'conversation-preview' }, preview),
      ),
      lastMessage ? relativeTime(lastMessage.createdAt) : null,
    ),
  );
}
