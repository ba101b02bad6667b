import type { AppContext, Unmount } from '../app-context';
import { el } from '../dom';

/** The right pane on wide screens while no conversation is open (the list is the page then). */
export function mountPlaceholder(container: HTMLElement, ctx: AppContext): Unmount {
  const page = el(
    'section',
    { class: 'placeholder' },
    el('p', { class: 'placeholder-title' }, 'Pick a conversation'),
    el('p', {}, 'Choose someone on the left, or start a new conversation by username.'),
  );
  container.append(page);
  ctx.setOpenConversation(undefined);
  return () => page.remove();
}

/** An address that names nothing: say so, and offer the way back. */
export function mountNotFoundPage(container: HTMLElement): Unmount {
  const page = el(
    'section',
    { class: 'placeholder' },
    el('h1', { id: 'page-title', tabindex: -1 }, 'Page not found'),
    el('p', {}, 'There is nothing at this address.'),
    el('a', { href: '/', 'data-route': true }, 'Back to conversations'),
  );
  container.append(page);
  return () => page.remove();
}
