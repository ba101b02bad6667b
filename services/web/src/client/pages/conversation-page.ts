import { ApiError, PAGE_SIZE } from '../api-client';
import type { AppContext, Unmount } from '../app-context';
import { avatar } from '../components/avatar';
import { messageItem } from '../components/message-item';
import { detached, el } from '../dom';
import { compareMessages, type Message } from '../types';

const MAX_LENGTH = 480;
const BOTTOM_SLACK_PX = 40;
const MARK_READ_DELAY_MS = 250;

/** One conversation: its messages (paged, live), "Seen", and the form that sends. */
export function mountConversationPage(container: HTMLElement, ctx: AppContext, conversationId: string): Unmount {
  const { api, store } = ctx;
  ctx.setOpenConversation(conversationId);

  const title = el('h1', { class: 'conversation-title' }, store.get(conversationId)?.otherParticipant.username ?? '');
  const who = el('div', { class: 'who' }, title);
  const header = el(
    'header',
    { class: 'conversation-header' },
    el('a', { href: '/', 'data-route': true, class: 'back' }, '← Conversations'),
    who,
  );
  const loadMore = el('button', { type: 'button', class: 'secondary load-more', hidden: true }, 'Load more');
  const list = el('ol', { class: 'messages', 'aria-label': 'Messages', 'aria-busy': 'true' });
  const seen = el('p', { class: 'seen', hidden: true }, 'Seen');
  const pageError = el('p', { class: 'field-error', role: 'alert' });
  const scroller = el('div', { class: 'message-scroller' }, loadMore, list, seen);

  const textarea = el('textarea', {
    id: 'message-input',
    name: 'content',
    rows: 2,
    'aria-describedby': 'message-counter message-error',
  });
  const counter = el('span', { id: 'message-counter', class: 'counter' }, `0/${MAX_LENGTH}`);
  const fieldError = el('p', { id: 'message-error', class: 'field-error', role: 'alert' });
  const sendButton = el('button', { type: 'submit' }, 'Send');
  const form = el(
    'form',
    { class: 'send-message' },
    el('div', { class: 'label-row' }, el('label', { for: 'message-input' }, 'Message'), counter),
    el('div', { class: 'row' }, textarea, sendButton),
    fieldError,
  );
  const page = el('section', { class: 'page conversation-page' }, header, pageError, scroller, form);
  container.append(page);

  // Messages by id, kept in (createdAt, id) order, the same order as the <li>s.
  const messages: Message[] = [];
  const ids = new Set<string>();
  let olderCursor: string | undefined;
  let active = true;
  let markReadTimer: ReturnType<typeof setTimeout> | undefined;

  const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= BOTTOM_SLACK_PX;
  const scrollToBottom = () => {
    scroller.scrollTop = scroller.scrollHeight;
  };

  /** Adds a message once, wherever it belongs in the order; false when it was already there. */
  function insert(message: Message): boolean {
    if (message.conversationId !== conversationId || ids.has(message.id)) return false;
    ids.add(message.id);
    let index = messages.length;
    while (index > 0 && compareMessages(messages[index - 1] as Message, message) > 0) index -= 1;
    const node = messageItem(message);
    list.insertBefore(node, list.children[index] ?? null);
    messages.splice(index, 0, message);
    return true;
  }

  function updateSeen() {
    const last = messages.at(-1);
    const seenAt = store.seenAt(conversationId);
    seen.hidden = !(last?.mine && seenAt && Date.parse(seenAt) >= Date.parse(last.createdAt));
  }

  function scheduleMarkRead() {
    clearTimeout(markReadTimer);
    markReadTimer = setTimeout(() => {
      api.readMessages(conversationId).catch(() => {
        // A failed read marker is retried by the next message or visit; nothing to show.
      });
    }, MARK_READ_DELAY_MS);
  }

  function addPage(page: Message[], older: boolean) {
    const wasAtBottom = atBottom();
    const heightBefore = scroller.scrollHeight;
    for (const message of page) insert(message);
    if (older) {
      olderCursor = page.at(-1)?.id ?? olderCursor;
      loadMore.hidden = page.length < PAGE_SIZE;
      // Keep the messages the reader was looking at in place above the new ones.
      scroller.scrollTop += scroller.scrollHeight - heightBefore;
    } else if (wasAtBottom) {
      scrollToBottom();
    }
    updateSeen();
  }

  async function loadNewest(first: boolean) {
    try {
      const [conversation, page] = await Promise.all([api.conversation(conversationId), api.messages(conversationId)]);
      if (!active) return;
      title.textContent = conversation.otherParticipant.username;
      if (!who.querySelector('.avatar')) who.prepend(avatar(conversation.otherParticipant, 'large'));
      store.upsert(conversation);
      // Reading the newest page marked the conversation read on the server.
      store.markRead(conversationId);
      if (first) {
        olderCursor = page.at(-1)?.id;
        loadMore.hidden = page.length < PAGE_SIZE;
        for (const message of page) insert(message);
        list.removeAttribute('aria-busy');
        scrollToBottom();
        updateSeen();
      } else {
        addPage(page, false);
      }
    } catch (caught) {
      if (!active) return;
      list.removeAttribute('aria-busy');
      pageError.textContent =
        caught instanceof ApiError && caught.status === 404
          ? 'This conversation does not exist.'
          : (caught as Error).message;
    }
  }

  loadMore.addEventListener(
    'click',
    detached(async () => {
      loadMore.disabled = true;
      try {
        addPage(await api.messages(conversationId, olderCursor), true);
      } catch (caught) {
        pageError.textContent = (caught as Error).message;
      } finally {
        loadMore.disabled = false;
      }
    }),
  );

  const updateCounter = () => {
    const length = Array.from(textarea.value).length;
    counter.textContent = `${length}/${MAX_LENGTH}`;
    counter.classList.toggle('over', length > MAX_LENGTH);
  };
  textarea.addEventListener('input', () => {
    fieldError.textContent = '';
    updateCounter();
  });
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });

  form.addEventListener(
    'submit',
    detached(async (event) => {
      event.preventDefault();
      if (!textarea.value || sendButton.disabled) return;
      fieldError.textContent = '';
      sendButton.disabled = true;
      try {
        // The server normalises and validates (480 characters after normalising); its verdict is shown as is.
        const message = await api.sendMessage(conversationId, textarea.value);
        if (!active) return;
        insert(message);
        store.applyMessage(message, true);
        textarea.value = '';
        updateCounter();
        scrollToBottom();
        updateSeen();
      } catch (caught) {
        const error = caught instanceof ApiError ? caught : undefined;
        fieldError.textContent = error?.fields.content ?? error?.message ?? 'Could not send the message';
      } finally {
        sendButton.disabled = false;
        textarea.focus();
      }
    }),
  );

  const unsubscribers = [
    ctx.live.on('message', (message) => {
      if (message.conversationId !== conversationId) return;
      const follow = atBottom();
      if (!insert(message)) return;
      if (follow) scrollToBottom();
      if (!message.mine) scheduleMarkRead();
      updateSeen();
    }),
    ctx.live.on('read', (event) => {
      if (event.conversationId === conversationId) updateSeen();
    }),
    ctx.live.on('resync', () => void loadNewest(false)),
  ];

  void ctx.streamReady.then(() => {
    if (active) void loadNewest(true);
  });
  textarea.focus();

  return () => {
    active = false;
    clearTimeout(markReadTimer);
    for (const unsubscribe of unsubscribers) unsubscribe();
    ctx.setOpenConversation(undefined);
    page.remove();
  };
}
