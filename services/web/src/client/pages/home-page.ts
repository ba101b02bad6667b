import { ApiError, PAGE_SIZE } from '../api-client';
import type { AppContext, Unmount } from '../app-context';
import { conversationItem } from '../components/conversation-item';
import { clear, detached, el } from '../dom';

const SUGGEST_DELAY_MS = 150;

/** The conversation list (live) and the form that starts a conversation. */
export function mountHomePage(container: HTMLElement, ctx: AppContext): Unmount {
  const { api, store } = ctx;

  // Start a conversation, with username suggestions from /api/usernames as you type.
  const input = el('input', {
    id: 'start-conversation',
    name: 'username',
    list: 'username-suggestions',
    autocomplete: 'off',
    required: true,
    maxlength: 39,
    'aria-describedby': 'start-error',
  });
  const suggestions = el('datalist', { id: 'username-suggestions' });
  const startError = el('p', { id: 'start-error', class: 'field-error', role: 'alert' });
  const startButton = el('button', { type: 'submit' }, 'Start');
  const startForm = el(
    'form',
    { class: 'start-conversation' },
    el('label', { for: 'start-conversation' }, 'Start conversation'),
    el('div', { class: 'row' }, input, startButton),
    suggestions,
    startError,
  );

  let suggestTimer: ReturnType<typeof setTimeout> | undefined;
  let suggestRequest = 0;
  input.addEventListener('input', () => {
    clearTimeout(suggestTimer);
    startError.textContent = '';
    const search = input.value.trim();
    if (!search) return clear(suggestions);
    suggestTimer = setTimeout(
      detached(async () => {
        const request = ++suggestRequest;
        const names = await api.usernames(search).catch(() => undefined);
        // Answers can come back out of order: only the latest one counts.
        if (request !== suggestRequest || !names) return;
        clear(suggestions);
        for (const name of names) {
          const option = el('option');
          option.value = name;
          suggestions.append(option);
        }
      }),
      SUGGEST_DELAY_MS,
    );
  });

  startForm.addEventListener(
    'submit',
    detached(async (event) => {
      event.preventDefault();
      startError.textContent = '';
      startButton.disabled = true;
      try {
        const conversation = await api.startConversation(input.value.trim());
        store.upsert(conversation);
        ctx.navigate(`/conversations/${conversation.id}`);
      } catch (caught) {
        const error = caught instanceof ApiError ? caught : undefined;
        startError.textContent =
          error?.status === 404
            ? `There is no user named "${input.value.trim()}".`
            : error?.status === 403
              ? 'You cannot start a conversation with yourself.'
              : (error?.fields.username ?? error?.message ?? 'Could not start the conversation');
        startButton.disabled = false;
      }
    }),
  );

  // The list, redrawn from the store whenever it changes (live events included).
  const list = el('ul', { class: 'conversations', 'aria-label': 'Conversations', 'aria-busy': 'true' });
  const empty = el('p', { class: 'empty', hidden: true }, 'No conversations yet. Start one above.');
  const listError = el('p', { class: 'field-error', role: 'alert' });
  const moreButton = el('button', { type: 'button', class: 'secondary', hidden: true }, 'More conversations');
  let loaded = false;

  function render() {
    const conversations = store.list();
    clear(list);
    for (const conversation of conversations) list.append(conversationItem(conversation));
    empty.hidden = !loaded || conversations.length > 0;
    moreButton.hidden = !store.hasMore();
  }

  moreButton.addEventListener(
    'click',
    detached(async () => {
      moreButton.disabled = true;
      try {
        store.addPage(await api.conversations(store.nextPageCursor()), PAGE_SIZE, false);
      } catch (caught) {
        listError.textContent = (caught as Error).message;
      } finally {
        moreButton.disabled = false;
      }
    }),
  );

  const page = el(
    'section',
    { class: 'page home' },
    startForm,
    el('h2', {}, 'Conversations'),
    listError,
    list,
    empty,
    moreButton,
  );
  container.append(page);
  const unsubscribe = store.subscribe(render);
  render();
  ctx.setOpenConversation(undefined);

  let active = true;
  void (async () => {
    try {
      // The app loads the first page once per session (after the stream opened); this page waits for it.
      await ctx.conversationsLoaded;
    } catch (caught) {
      if (active) listError.textContent = (caught as Error).message;
    }
    if (!active) return;
    loaded = true;
    list.removeAttribute('aria-busy');
    render();
  })();

  return () => {
    active = false;
    clearTimeout(suggestTimer);
    unsubscribe();
    page.remove();
  };
}
