import { ApiError, PAGE_SIZE } from '../api-client';
import type { AppContext, Unmount } from '../app-context';
import { avatar } from '../components/avatar';
import { createComposer } from '../components/composer';
import { outgoingItem, type OutgoingItem } from '../components/message-item';
import { presenceLabel } from '../components/presence-label';
import { messageSkeletons } from '../components/skeletons';
import { typingIndicator } from '../components/typing-indicator';
import { el } from '../dom';
import { messageRefusal, plainError } from '../error-text';
import { createTimeline } from '../message-timeline';
import { watchPresence, type PresenceWatch } from '../presence-watch';
import { createReadTracker } from '../read-tracker';
import type { Message, Participant } from '#libs/contract';
import { compareMessages } from '../ordering';

const BOTTOM_SLACK_PX = 40;
// Older messages load when the reader scrolls this close to the top.
const LOAD_OLDER_FROM_PX = 200;
const MARK_READ_DELAY_MS = 150;
// Wide enough for two panes (as in styles.css): the composer takes focus there; on a
// phone that would open the keyboard over the conversation, so the heading takes it.
const WIDE = '(min-width: 48rem)';

/**
 * One conversation: its messages (anchored to the bottom, grouped, with day
 * separators; older ones as you scroll up, or with "Load older messages"), live
 * arrivals (announced politely; a "New messages" button when scrolled up, never a
 * jump), "Seen", "bob is typing…", sending (optimistic, see outbox.ts; typing notices
 * while the person types), read marking only for what is on screen in a visible tab,
 * and the other participant's presence in the header ("Online", "last seen …"),
 * watched while the page is open.
 */
export function mountConversationPage(container: HTMLElement, ctx: AppContext, conversationId: string): Unmount {
  const { api, store, outbox } = ctx;
  const known = store.get(conversationId);
  let other: Participant = known?.otherParticipant ?? { id: '', username: '', avatarUrl: null };
  ctx.setOpenConversation(conversationId, known?.otherParticipant.username);

  const title = el('h1', { id: 'page-title', tabindex: -1 }, other.username || 'Conversation');
  const presence = presenceLabel();
  presence.show(known?.otherParticipant);
  const who = el(
    'div',
    { class: 'who' },
    known ? avatar(other, 'small') : null,
    el('div', { class: 'who-text' }, title, presence.element),
  );
  const header = el(
    'header',
    { class: 'conversation-header' },
    el(
      'a',
      { href: '/', 'data-route': true, class: 'back' },
      el('span', { 'aria-hidden': 'true', class: 'back-arrow' }, '‹'),
      el('span', { class: 'visually-hidden' }, 'Back to conversations'),
    ),
    who,
  );

  const loadOlder = el(
    'button',
    { type: 'button', class: 'secondary small load-older', hidden: true },
    'Load older messages',
  );
  const skeleton = messageSkeletons();
  const emptyState = el('div', { class: 'empty-state conversation-empty', hidden: true });
  const list = el('ol', { class: 'messages', 'aria-label': 'Messages', 'aria-busy': 'true' });
  const seen = el('p', { class: 'seen', hidden: true }, 'Seen');
  const typing = typingIndicator();
  const pageError = el('div', { class: 'page-error', role: 'alert' });
  const timelineBox = el('div', { class: 'timeline' }, loadOlder, skeleton, emptyState, list, seen, typing.element);
  const scroller = el(
    'div',
    { class: 'message-scroller', tabindex: 0, role: 'region', 'aria-label': 'Message history' },
    timelineBox,
  );
  const newMessages = el(
    'button',
    { type: 'button', class: 'new-messages', hidden: true },
    el('span', { 'aria-hidden': 'true' }, '↓ '),
    'New messages',
  );
  const announcer = el('div', { class: 'visually-hidden', 'aria-live': 'polite' });
  const composer = createComposer({
    initial: ctx.drafts.get(conversationId),
    onSend: (content) => {
      outbox.send(conversationId, content);
      scrollToBottom();
    },
    onDraft: (text) => ctx.drafts.set(conversationId, text),
    onInput: (text) => ctx.typingSender.textChanged(conversationId, text),
  });
  if (other.username) composer.setPlaceholder(`Message ${other.username}…`);
  const body = el('div', { class: 'conversation-body' }, scroller, newMessages);
  const page = el('section', { class: 'conversation-page' }, header, pageError, body, announcer, composer.element);
  container.append(page);
  composer.ready();

  const timeline = createTimeline(list, ctx.user);
  timeline.setOther(other);
  const outgoingItems = new Map<string, OutgoingItem>();
  let hasOlder = false;
  let loadingOlder = false;
  let loaded = false;
  let active = true;
  let markReadTimer: ReturnType<typeof setTimeout> | undefined;
  let presenceWatch: PresenceWatch | undefined;

  const tracker = createReadTracker(scroller, () => {
    clearTimeout(markReadTimer);
    markReadTimer = setTimeout(() => {
      store.markRead(conversationId);
      api.readMessages(conversationId).catch(() => {
        // Retried by the next message or visit; nothing to show.
      });
    }, MARK_READ_DELAY_MS);
  });

  const atBottom = () => scroller.scrollHeight - scroller.scrollTop - scroller.clientHeight <= BOTTOM_SLACK_PX;
  function scrollToBottom() {
    scroller.scrollTop = scroller.scrollHeight;
    newMessages.hidden = true;
  }

  /** Runs `change` and keeps the reader at the bottom if they were there. */
  function keepingBottom(change: () => void) {
    const follow = atBottom();
    change();
    if (follow) scrollToBottom();
  }

  function updateSeen() {
    const last = timeline.newest();
    const seenAt = store.seenAt(conversationId);
    const shown =
      outbox.forConversation(conversationId).length === 0 &&
      !!last?.mine &&
      !!seenAt &&
      Date.parse(seenAt) >= Date.parse(last.createdAt);
    if (shown !== !seen.hidden) keepingBottom(() => (seen.hidden = !shown));
  }

  /** "bob is typing…" while the other participant is (never anyone else), kept in view at the bottom. */
  function updateTyping() {
    const typist = ctx.typing.typist(conversationId);
    const name = typist && typist === other.id ? other.username : undefined;
    keepingBottom(() => typing.show(name));
  }

  function updateEmpty() {
    emptyState.hidden = !loaded || timeline.size > 0;
  }

  function watchNewest() {
    const newest = timeline.newestFromOther();
    tracker.watch(newest && timeline.node(newest.id));
  }

  function renderOutgoing() {
    const entries = outbox.forConversation(conversationId);
    const focusWasInside = [...outgoingItems.values()].some((item) => item.hasFocus());
    const next = new Map<string, OutgoingItem>();
    for (const entry of entries) {
      const item =
        outgoingItems.get(entry.clientId) ??
        outgoingItem(entry.content, ctx.user, {
          retry: () => outbox.retry(entry.clientId),
          remove: () => outbox.remove(entry.clientId),
        });
      item.setState(entry.state);
      next.set(entry.clientId, item);
    }
    outgoingItems.clear();
    for (const [key, item] of next) outgoingItems.set(key, item);
    keepingBottom(() => timeline.setOutgoing([...next.values()]));
    // Its Retry or Delete had focus and it is gone (sent or deleted): focus goes back to the box.
    if (focusWasInside && ![...next.values()].some((item) => item.hasFocus())) composer.focus();
    updateSeen();
    updateEmpty();
  }

  function showOther(user: Participant) {
    other = user;
    timeline.setOther(user);
    title.textContent = user.username;
    if (!who.querySelector('.avatar')) who.prepend(avatar(user, 'small'));
    composer.setPlaceholder(`Message ${user.username}…`);
    presence.show(store.get(conversationId)?.otherParticipant ?? user);
    updateTyping();
    emptyState.replaceChildren(
      avatar(user, 'large'),
      el('p', { class: 'empty-title' }, `Say hi to ${user.username}`),
      el('p', {}, 'This is the start of your conversation. Messages you send appear here.'),
    );
    ctx.setOpenConversation(conversationId, user.username);
  }

  function showNotFound() {
    // No composer, nothing to type into: only the way back.
    body.remove();
    composer.element.remove();
    title.textContent = 'Conversation not found';
    pageError.removeAttribute('role');
    pageError.classList.add('not-found');
    pageError.replaceChildren(
      el('p', {}, 'This conversation does not exist, or it is not one of yours.'),
      el('a', { href: '/', 'data-route': true }, 'Back to conversations'),
    );
    ctx.setOpenConversation(conversationId, 'Not found');
    title.focus();
  }

  function showError(caught: unknown, retry: () => void) {
    const again = el('button', { type: 'button', class: 'secondary small' }, 'Try again');
    again.addEventListener('click', () => {
      pageError.replaceChildren();
      retry();
    });
    pageError.replaceChildren(el('p', {}, plainError(caught, 'loading this conversation')), again);
  }

  async function loadNewest(first: boolean) {
    try {
      const [conversation, page] = await Promise.all([api.conversation(conversationId), api.messages(conversationId)]);
      if (!active) return;
      store.upsert(conversation);
      showOther(conversation.otherParticipant);
      if (first) {
        hasOlder = page.length === PAGE_SIZE;
        loadOlder.hidden = !hasOlder;
        skeleton.remove();
        list.removeAttribute('aria-busy');
        loaded = true;
      }
      keepingBottom(() => timeline.add(page));
      if (first) scrollToBottom();
      renderOutgoing();
      watchNewest();
      if (conversation.hasUnreadMessages || conversation.unreadCount > 0) tracker.expect();
      fillScreen();
    } catch (caught) {
      if (!active) return;
      if (caught instanceof ApiError && caught.status === 404) showNotFound();
      else showError(caught, () => void loadNewest(first));
    }
  }

  /** Older messages above, keeping the ones on screen where they are. */
  async function loadOlderPage() {
    const oldest = timeline.oldest();
    if (loadingOlder || !hasOlder || !oldest) return;
    loadingOlder = true;
    loadOlder.setAttribute('aria-busy', 'true');
    try {
      const page = await api.messages(conversationId, oldest.id);
      if (!active) return;
      const heightBefore = scroller.scrollHeight;
      const topBefore = scroller.scrollTop;
      const added = timeline.add(page);
      hasOlder = page.length === PAGE_SIZE;
      const buttonHadFocus = document.activeElement === loadOlder;
      loadOlder.hidden = !hasOlder;
      scroller.scrollTop = topBefore + (scroller.scrollHeight - heightBefore);
      // The button went away under the keyboard: focus the newest of the older messages, just above where the reader was.
      const newestOlder = added.reduce<Message | undefined>(
        (newest, message) => (!newest || compareMessages(message, newest) > 0 ? message : newest),
        undefined,
      );
      if (buttonHadFocus && !hasOlder && newestOlder) focusMessage(newestOlder);
    } catch (caught) {
      showError(caught, () => void loadOlderPage());
      return;
    } finally {
      loadingOlder = false;
      loadOlder.removeAttribute('aria-busy');
    }
    fillScreen();
  }

  function focusMessage(message: Message) {
    const node = timeline.node(message.id);
    if (!node) return;
    node.tabIndex = -1;
    node.focus({ preventScroll: true });
  }

  // Too few messages to scroll: older ones could never be reached by scrolling, so load them now.
  function fillScreen() {
    if (hasOlder && scroller.scrollHeight <= scroller.clientHeight) void loadOlderPage();
  }

  loadOlder.addEventListener('click', () => void loadOlderPage());
  scroller.addEventListener(
    'scroll',
    () => {
      if (atBottom()) newMessages.hidden = true;
      if (loaded && scroller.scrollTop < LOAD_OLDER_FROM_PX) void loadOlderPage();
    },
    { passive: true },
  );
  newMessages.addEventListener('click', () => {
    scrollToBottom();
    composer.focus();
  });

  const unsubscribers = [
    ctx.live.on('message', (message) => {
      if (message.conversationId !== conversationId) return;
      const follow = atBottom();
      if (timeline.add([message]).length === 0) return;
      if (follow || message.mine) scrollToBottom();
      else newMessages.hidden = false;
      if (!message.mine) {
        announcer.textContent = `${other.username}: ${message.content}`;
        watchNewest();
        tracker.expect();
      }
      updateSeen();
      updateEmpty();
    }),
    ctx.live.on('read', (event) => {
      if (event.conversationId === conversationId) updateSeen();
    }),
    ctx.live.on('resync', () => {
      void loadNewest(false);
      presenceWatch?.renew();
    }),
    // Presence events are not replayed: a transition while the stream was down is asked for again.
    ctx.live.on('state', (state) => {
      if (state === 'connected') presenceWatch?.renew();
    }),
    ctx.typing.subscribe((changed) => {
      if (changed === conversationId) updateTyping();
    }),
    // Live `presence` events and watch answers reach the store, which every page reads.
    store.subscribe(() => {
      if (other.id) presence.show(store.get(conversationId)?.otherParticipant);
    }),
    outbox.on('change', (changed) => {
      if (changed === conversationId) renderOutgoing();
    }),
    outbox.on('sent', (message) => {
      if (message.conversationId !== conversationId) return;
      timeline.add([message]);
      scrollToBottom();
      updateSeen();
    }),
    outbox.on('rejected', ({ entry, error }) => {
      if (entry.conversationId === conversationId) composer.restore(entry.content, messageRefusal(error));
    }),
  ];

  void ctx.streamReady.then(() => {
    if (!active) return;
    void loadNewest(true);
    presenceWatch = watchPresence(api, conversationId, {
      state: (state) => store.applyPresence(state),
      off: () => presence.off(),
    });
  });
  renderOutgoing();
  if (window.matchMedia(WIDE).matches) composer.focus();
  else title.focus();

  return () => {
    active = false;
    clearTimeout(markReadTimer);
    tracker.stop();
    presenceWatch?.stop();
    for (const unsubscribe of unsubscribers) unsubscribe();
    ctx.setOpenConversation(undefined);
    page.remove();
  };
}
