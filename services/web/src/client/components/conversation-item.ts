import { el } from '../dom';
import { timeElement } from '../time-format';
import type { Conversation } from '#libs/contract';
import { activeAt } from '../ordering';
import { avatar } from './avatar';
import { presenceDot } from './presence-dot';
import { typingText } from './typing-indicator';

/** Past this many, a badge reads "99+" (the API counts up to 100). */
const BADGE_MAX = 99;

export function unreadBadgeText(count: number): string {
  return count > BADGE_MAX ? `${BADGE_MAX}+` : String(count);
}

/**
 * One row of the conversation list: who (a dot on the avatar while they are known to be
 * online), the last message (prefixed "You: " when it is yours, or "bob is typing…"
 * while `typing`), when, and how many are unread. A conversation started but not
 * written in yet is marked "New".
 */
export function conversationItem(conversation: Conversation, current: boolean, typing = false): HTMLLIElement {
  const { otherParticipant: other, lastMessage } = conversation;
  const unread = conversation.hasUnreadMessages || conversation.unreadCount > 0;
  const count = Math.max(conversation.unreadCount, unread ? 1 : 0);
  const preview = typing
    ? [el('span', { class: 'preview-typing' }, typingText(other.username))]
    : lastMessage
      ? [lastMessage.mine ? el('span', { class: 'preview-you' }, 'You: ') : null, lastMessage.content]
      : ['New conversation'];
  const unreadText = count === 1 ? '1 unread message' : `${unreadBadgeText(count)} unread messages`;
  return el(
    'li',
    {
      class: unread ? 'conversation unread' : 'conversation',
      'data-unread': String(unread),
      'data-conversation-id': conversation.id,
    },
    el(
      'a',
      {
        href: `/conversations/${encodeURIComponent(conversation.id)}`,
        'data-route': true,
        'aria-current': current ? 'page' : undefined,
      },
      el('span', { class: 'avatar-holder' }, avatar(other), other.online ? presenceDot() : null),
      el(
        'span',
        { class: 'conversation-body' },
        el(
          'span',
          { class: 'conversation-top' },
          el('span', { class: 'conversation-name' }, other.username),
          timeElement(activeAt(conversation), 'list'),
        ),
        el(
          'span',
          { class: 'conversation-bottom' },
          el('span', { class: 'conversation-preview' }, ...preview),
          unread
            ? el(
                'span',
                { class: 'badge' },
                el('span', { 'aria-hidden': 'true' }, unreadBadgeText(count)),
                el('span', { class: 'visually-hidden' }, `, ${unreadText}`),
              )
            : lastMessage
              ? null
              : el('span', { class: 'badge badge-new' }, 'New'),
        ),
      ),
    ),
  );
}
