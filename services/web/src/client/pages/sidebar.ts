import { ApiError, PAGE_SIZE } from '../api-client';
import type { AppContext } from '../app-context';
import { avatar } from '../components/avatar';
import { conversationItem } from '../components/conversation-item';
import { conversationSkeletons } from '../components/skeletons';
import { clear, detached, el, reconcileChildren } from '../dom';
import { plainError, USERNAME_RULE } from '../error-text';

const SUGGEST_DELAY_MS = 150;

export interface Sidebar {
  /**
   * The conversation on screen (highlighted in the list), and whether the list is the
   * page (its heading is then the page's h1; otherwise the conversation's is).
   */
  setCurrent(conversationId: string | undefined, isPage: boolean): void;
  /** Focuses that conversation's row; false when it is not listed. */
  focusConversation(conversationId: string): boolean;
  unmount(): void;
}

/**
 * The left pane, kept while logged in: who is logged in and Log out, the form that
 * starts a conversation (its text also filters the list), the opt-in for desktop
 * notifications, and the conversation list (live, with unread counts), with its
 * loading, empty and no-match states.
 */
export function mountSidebar(container: HTMLElement, ctx: AppContext, logout: () => void): Sidebar {
  const { api, store } = ctx;
  let currentId: string | undefined;
  let heading = el('h1', {}, 'Conversations');

  const logoutButton = el('button', { type: 'button', class: 'secondary logout' }, 'Log out');
  logoutButton.addEventListener('click', logout);
  const headingSlot = el('div', { class: 'sidebar-title' }, heading);
  const header = el(
    'header',
    { class: 'sidebar-header' },
    el(
      'div',
      { class: 'me' },
      avatar(ctx.user, 'small'),
      el(
        'div',
        { class: 'sidebar-who' },
        headingSlot,
        el('p', { class: 'me-name', title: ctx.user.username }, ctx.user.username),
      ),
    ),
    logoutButton,
  );

  // Start a conversation, with username suggestions from /api/usernames as you type.
  const input = el('input', {
    id: 'start-conversation',
    name: 'username',
    list: 'username-suggestions',
    autocomplete: 'off',
    autocapitalize: 'none',
    spellcheck: 'false',
    required: true,
    maxlength: 39,
    placeholder: 'Username',
    'aria-describedby': 'start-error start-hint',
  });
  const suggestions = el('datalist', { id: 'username-suggestions' });
  const startError = el('p', { id: 'start-error', class: 'field-error', role: 'alert' });
  const startHint = el('p', { id: 'start-hint', class: 'field-hint' });
  const startButton = el('button', { type: 'submit' }, 'Start');
  const startForm = el(
    'form',
    { class: 'start-conversation' },
    el('label', { for: 'start-conversation' }, 'Start conversation'),
    el('div', { class: 'row' }, input, startButton),
    suggestions,
    startError,
    startHint,
  );

  let suggestTimer: ReturnType<typeof setTimeout> | undefined;
  let suggestRequest = 0;
  input.addEventListener('input', () => {
    clearTimeout(suggestTimer);
    startError.textContent = '';
    startHint.textContent = '';
    render();
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
        startHint.textContent = names.length === 0 ? `No one’s username starts with “${search}”.` : '';
      }),
      SUGGEST_DELAY_MS,
    );
  });

  startForm.addEventListener(
    'submit',
    detached(async (event) => {
      event.preventDefault();
      const username = input.value.trim();
      startError.textContent = '';
      if (startButton.getAttribute('aria-disabled') === 'true') return;
      startButton.setAttribute('aria-disabled', 'true');
      try {
        const conversation = await api.startConversation(username);
        store.upsert(conversation);
        input.value = '';
        startHint.textContent = '';
        render();
        ctx.navigate(`/conversations/${conversation.id}`);
      } catch (caught) {
        const error = caught instanceof ApiError ? caught : undefined;
        startError.textContent =
          error?.status === 404
            ? `There is no one called “${username}”. Check the spelling.`
            : error?.status === 403
              ? 'That’s you! Pick someone else to talk to.'
              : error?.status === 422
                ? USERNAME_RULE
                : plainError(caught, 'starting the conversation');
        input.focus();
      } finally {
        startButton.removeAttribute('aria-disabled');
      }
    }),
  );

  // Desktop notifications: opt-in, so a button rather than a prompt on load.
  const notifyButton = el('button', { type: 'button', class: 'secondary small notify' });
  const notifyNote = el('p', { class: 'field-hint notify-note' });
  function renderNotifications() {
    const setting = ctx.notifications.setting();
    notifyButton.hidden = setting === 'unsupported' || setting === 'blocked';
    notifyButton.textContent = setting === 'on' ? 'Turn off notifications' : 'Turn on notifications';
    notifyButton.setAttribute('aria-pressed', String(setting === 'on'));
    notifyNote.textContent = setting === 'blocked' ? 'Notifications are blocked in this browser’s settings.' : '';
  }
  notifyButton.addEventListener(
    'click',
    detached(async () => {
      if (ctx.notifications.setting() === 'on') ctx.notifications.disable();
      else await ctx.notifications.enable();
      renderNotifications();
    }),
  );
  renderNotifications();

  // The list, redrawn from the store whenever it changes (live events included).
  const list = el('ul', { class: 'conversations', 'aria-label': 'Conversations', 'aria-busy': 'true' });
  const skeletons = conversationSkeletons();
  const empty = el('div', { class: 'empty-state', hidden: true });
  const listError = el('p', { class: 'field-error', role: 'alert' });
  const moreButton = el('button', { type: 'button', class: 'secondary more', hidden: true }, 'More conversations');
  let loaded = false;

  function render() {
    const focusedId = (document.activeElement?.closest('[data-conversation-id]') as HTMLElement | null)?.dataset
      .conversationId;
    const filter = input.value.trim().toLowerCase();
    const all = store.list();
    const shown = filter ? all.filter((c) => c.otherParticipant.username.toLowerCase().includes(filter)) : all;
    // Rows that did not change stay the same elements (reconcileChildren): the list
    // re-renders on every live event, and a click must survive one landing mid-press.
    const previous = new Map<string, Element>();
    for (const row of Array.from(list.children)) previous.set((row as HTMLElement).dataset.conversationId ?? '', row);
    const rows = shown.map((conversation) => {
      const typing = ctx.typing.typist(conversation.id) === conversation.otherParticipant.id;
      const row = conversationItem(conversation, conversation.id === currentId, typing);
      const kept = previous.get(conversation.id);
      return kept?.isEqualNode(row) ? kept : row;
    });
    reconcileChildren(list, rows);
    if (focusedId) focusConversation(focusedId);
    skeletons.hidden = loaded;
    clear(empty);
    empty.hidden = !loaded || shown.length > 0;
    if (loaded && all.length === 0 && !filter) {
      empty.append(
        el('p', { class: 'empty-title' }, 'No conversations yet'),
        el('p', {}, 'Type someone’s username above and press Start to say hello.'),
      );
    } else if (shown.length === 0) {
      empty.append(
        el('p', { class: 'empty-title' }, `No conversations with “${input.value.trim()}”`),
        el('p', {}, 'Press Start to begin one.'),
      );
    }
    moreButton.hidden = !store.hasMore() || !loaded;
  }

  function focusConversation(conversationId: string): boolean {
    const link = list.querySelector<HTMLAnchorElement>(`[data-conversation-id="${CSS.escape(conversationId)}"] a`);
    link?.focus();
    return !!link;
  }

  moreButton.addEventListener(
    'click',
    detached(async () => {
      if (moreButton.getAttribute('aria-disabled') === 'true') return;
      moreButton.setAttribute('aria-disabled', 'true');
      try {
        store.addPage(await api.conversations(store.nextPageCursor()), PAGE_SIZE, false);
        listError.textContent = '';
      } catch (caught) {
        listError.textContent = plainError(caught, 'loading conversations');
      } finally {
        moreButton.removeAttribute('aria-disabled');
        // Hidden when there is nothing more: keep focus in the list.
        if (moreButton.hidden && document.activeElement === moreButton) list.querySelector('a')?.focus();
      }
    }),
  );

  container.append(
    header,
    startForm,
    el('div', { class: 'notify-row' }, notifyButton, notifyNote),
    el('div', { class: 'list-scroller' }, listError, skeletons, list, empty, moreButton),
  );
  const unsubscribers = [store.subscribe(render), ctx.typing.subscribe(render)];
  render();

  let active = true;
  void (async () => {
    try {
      // The app loads the first page once per session (after the stream opened); this waits for it.
      await ctx.conversationsLoaded;
    } catch (caught) {
      if (active) listError.textContent = plainError(caught, 'loading your conversations');
    }
    if (!active) return;
    loaded = true;
    list.removeAttribute('aria-busy');
    render();
  })();

  return {
    setCurrent(conversationId, isPage) {
      currentId = conversationId;
      const next = el(isPage ? 'h1' : 'h2', { class: 'sidebar-heading' }, 'Conversations');
      if (isPage) {
        next.id = 'page-title';
        next.tabIndex = -1;
      }
      heading.replaceWith(next);
      heading = next;
      render();
    },
    focusConversation,
    unmount() {
      active = false;
      clearTimeout(suggestTimer);
      for (const unsubscribe of unsubscribers) unsubscribe();
      clear(container);
    },
  };
}
