import { el } from '../dom';
import { renderLinkified } from '../linkify';
import { relativeTime } from '../relative-time';
import type { Message } from '../types';

/** One message; yours are aligned and coloured apart. The text is linkified, never parsed as HTML. */
export function messageItem(message: Message): HTMLLIElement {
  const content = el('p', { class: 'message-content' });
  content.append(renderLinkified(message.content));
  return el(
    'li',
    { class: message.mine ? 'message mine' : 'message', 'data-message-id': message.id },
    el('span', { class: 'visually-hidden' }, message.mine ? 'You: ' : ''),
    content,
    relativeTime(message.createdAt),
  );
}
