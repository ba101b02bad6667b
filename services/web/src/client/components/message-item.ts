import { el } from '../dom';
import { renderLinkified } from '../linkify';
import { timeElement } from '../time-format';
import type { Message, User } from '#libs/contract';
import { avatar } from './avatar';

/** Where a message of mine is on its way: sending, waiting for the connection, or refused. */
export type OutgoingState = 'sending' | 'queued' | 'failed';

const STATE_TEXT: Record<OutgoingState, string> = {
  sending: 'Sending…',
  queued: 'Waiting for connection…',
  failed: 'Not sent',
};

/**
 * One message: a bubble (yours on the right, in the accent colour), its text linkified
 * (never parsed as HTML), and its time. The hidden "You:" / "bob:" says who wrote it to
 * screen readers, since side and colour cannot. Grouping (`continued`) is set by the list.
 */
export function messageItem(message: Message, sender: User): HTMLLIElement {
  const content = el('p', { class: 'message-content' });
  content.append(renderLinkified(message.content));
  return el(
    'li',
    { class: message.mine ? 'message mine' : 'message', 'data-message-id': message.id },
    message.mine ? null : avatar(sender, 'small'),
    el(
      'div',
      { class: 'bubble' },
      el('span', { class: 'visually-hidden' }, message.mine ? 'You: ' : `${sender.username}: `),
      content,
      el('span', { class: 'meta' }, timeElement(message.createdAt, 'message')),
    ),
  );
}

/**
 * A message of mine the server has not confirmed yet: the same bubble, with its state
 * instead of a time, and Retry and Delete once it failed.
 */
export function outgoingItem(content: string, me: User, handlers: { retry: () => void; remove: () => void }) {
  const item = messageItem(
    { id: '', content, conversationId: '', createdAt: new Date().toISOString(), mine: true },
    me,
  );
  item.removeAttribute('data-message-id');
  item.classList.add('outgoing');
  const meta = item.querySelector('.meta') as HTMLElement;
  const state = el('span', { class: 'outgoing-state' });
  const retry = el('button', { type: 'button', class: 'link-button' }, 'Retry');
  const remove = el('button', { type: 'button', class: 'link-button' }, 'Delete');
  const actions = el('span', { class: 'outgoing-actions', hidden: true }, retry, remove);
  retry.addEventListener('click', handlers.retry);
  remove.addEventListener('click', handlers.remove);
  meta.replaceChildren(state, actions);
  return {
    element: item,
    setState(next: OutgoingState) {
      item.dataset.state = next;
      state.textContent = STATE_TEXT[next];
      actions.hidden = next !== 'failed';
    },
    /** True when keyboard focus is on Retry or Delete (the list moves it before removing the item). */
    hasFocus: () => item.contains(document.activeElement),
  };
}

export type OutgoingItem = ReturnType<typeof outgoingItem>;

/** A day separator in the message list: "Today", "Yesterday", then dates. */
export function daySeparator(label: string): HTMLLIElement {
  return el('li', { class: 'day' }, el('h2', { class: 'day-label' }, label));
}
