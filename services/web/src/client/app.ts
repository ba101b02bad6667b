import { createApiClient, PAGE_SIZE } from './api-client';
import type { AppContext, LiveEmitter, LiveEventMap, Unmount } from './app-context';
import { connectionStatus } from './components/connection-status';
import { createConversationStore } from './conversation-store';
import { createDrafts } from './drafts';
import { clear, el } from './dom';
import { createEmitter } from './emitter';
import { createLiveEvents, type LiveEvents } from './live-events';
import { createNotifications } from './notifications';
import { createOutbox } from './outbox';
import { mountConversationPage } from './pages/conversation-page';
import { loginErrorMessage, takeLoginError, takeOAuthReturn } from './oauth-return';
import { mountLoginPage } from './pages/login-page';
import { mountNotFoundPage, mountPlaceholder } from './pages/placeholder-page';
import { mountSidebar, type Sidebar } from './pages/sidebar';
import { interceptNavigation, parseRoute, type Route } from './router';
import { clearSession, loadSession, onSessionChangedElsewhere, saveSession } from './session-store';
import { startTimeTicker } from './time-format';
import { createTypingSender } from './typing-sender';
import { createTypingState } from './typing-state';
import type { Message } from '#libs/contract';
import type { Session } from './session-store';

// How long the first fetches wait for the event stream before going ahead without it
// (the stream's first open then triggers a refetch, see `open` below).
const STREAM_WAIT_MS = 3000;
const REFRESH_WHEN_LEFT_MS = 7 * 24 * 60 * 60 * 1000;

interface LoggedIn {
  ctx: AppContext;
  liveEvents: LiveEvents;
  sidebar: Sidebar;
  shell: HTMLElement;
  pane: HTMLElement;
}

/**
 * The app shell. Logged out: the login page. Logged in: two panes, the conversation
 * list (a sidebar) and the open conversation; on narrow screens one of them at a time.
 * A skip link, a connection banner, routing, focus on every route change, the tab
 * title, and the live session.
 */
export function startApp(root: HTMLElement): void {
  // Read (and wiped from the address bar) before anything else looks at the URL.
  const oauthReturn = takeOAuthReturn();
  let loginNotice = takeLoginError();
  let session = loadSession();
  let current: LoggedIn | undefined;
  let unmountPage: Unmount | undefined;
  let previousRoute: Route | undefined;
  let titleName: string | undefined;

  const api = createApiClient(
    () => session?.token,
    () => logout(),
  );
  const status = connectionStatus();
  const skipLink = el('a', { href: '#page-title', class: 'skip-link' }, 'Skip to content');
  const content = el('div', { class: 'app-content' });
  root.append(skipLink, status.element, content);

  // The target is whatever the page's h1 is now; handled here so the router never sees a hash change.
  skipLink.addEventListener('click', (event) => {
    event.preventDefault();
    focusHeading();
  });
  const navigate = interceptNavigation(render);
  onSessionChangedElsewhere(() => location.reload());
  startTimeTicker();

  function render() {
    unmountPage?.();
    unmountPage = undefined;
    const route = parseRoute(location.pathname);
    const from = previousRoute;
    previousRoute = route;
    if (!session) {
      current?.shell.remove();
      current = undefined;
      clear(content);
      if (route.name !== 'login') history.replaceState(null, '', '/login');
      unmountPage = mountLoginPage(content, api, login, loginNotice);
      loginNotice = undefined;
      return;
    }
    if (route.name === 'login') history.replaceState(null, '', '/');
    current ??= beginSession(session);
    const { ctx, sidebar, shell, pane } = current;
    if (!shell.isConnected) {
      clear(content);
      content.append(shell);
    }
    const conversationId = route.name === 'conversation' ? route.id : undefined;
    shell.dataset.view = route.name === 'home' ? 'list' : 'conversation';
    sidebar.setCurrent(conversationId, route.name === 'home');
    clear(pane);
    titleName = undefined;
    if (route.name === 'conversation') unmountPage = mountConversationPage(pane, ctx, route.id);
    else if (route.name === 'not-found') unmountPage = mountNotFoundPage(pane);
    else unmountPage = mountPlaceholder(pane, ctx);
    updateTitle();

    // Focus follows the reader: back to the row they came from, else to the new page's heading
    // (a conversation page focuses its composer itself once it has loaded, on wide screens).
    if (from?.name === 'conversation' && route.name === 'home' && sidebar.focusConversation(from.id)) return;
    if (route.name !== 'conversation') focusHeading();
  }

  function focusHeading() {
    const heading = document.getElementById('page-title');
    heading?.focus({ preventScroll: true });
  }

  function login(next: Session, path = '/') {
    endSession();
    saveSession(next);
    session = next;
    navigate(path, true);
  }

  // Another user's session (a sign-in in this tab while one was open) or a logout: nothing of it stays.
  function endSession() {
    current?.liveEvents.stop();
    current?.ctx.outbox.stop();
    current?.ctx.typing.clear();
    current?.sidebar.unmount();
    current?.shell.remove();
    current = undefined;
  }

  function logout() {
    endSession();
    session = undefined;
    clearSession();
    navigate('/login', true);
  }

  function updateTitle() {
    if (!current) return;
    const unread = current.ctx.store.unreadCount();
    document.title = `${unread > 0 ? `(${unread}) ` : ''}${titleName ? `${titleName} · ` : ''}Messenger`;
  }

  function beginSession(active: Session): LoggedIn {
    const store = createConversationStore();
    const live: LiveEmitter = createEmitter<LiveEventMap>();
    const outbox = createOutbox(api);
    const typing = createTypingState();
    const typingSender = createTypingSender((conversationId) => api.typing(conversationId));
    const notifications = createNotifications();
    let fetched = false;
    const fetchingConversations = new Map<string, Promise<void>>();

    let streamOpened: () => void = () => {};
    const streamReady = new Promise<void>((resolve) => {
      streamOpened = resolve;
      setTimeout(resolve, STREAM_WAIT_MS);
    });

    function reloadConversations() {
      api.conversations().then(
        (page) => store.addPage(page, PAGE_SIZE, true),
        () => {},
      );
    }

    // A message for a conversation the page does not know yet: fetch it once.
    function fetchConversation(conversationId: string): Promise<void> {
      let pending = fetchingConversations.get(conversationId);
      if (!pending) {
        pending = api
          .conversation(conversationId)
          .then(
            (conversation) => store.upsert(conversation),
            () => {},
          )
          .finally(() => fetchingConversations.delete(conversationId));
        fetchingConversations.set(conversationId, pending);
      }
      return pending;
    }

    function notify(message: Message) {
      const show = () => {
        const name = store.get(message.conversationId)?.otherParticipant.username ?? 'New message';
        notifications.notify(name, message.content, message.conversationId, () =>
          navigate(`/conversations/${message.conversationId}`),
        );
      };
      if (store.has(message.conversationId)) show();
      else void fetchConversation(message.conversationId).then(show);
    }

    const liveEvents = createLiveEvents(() => api.streamToken(), {
      message(message) {
        if (message.mine) outbox.resolve(message);
        // Before the pages hear of the message: its sender is no longer typing when it shows.
        typing.noteMessage(message);
        if (!store.applyMessage(message)) void fetchConversation(message.conversationId);
        if (!message.mine) notify(message);
        live.emit('message', message);
      },
      read(event) {
        store.applyRead(event);
        live.emit('read', event);
      },
      typing(notice) {
        // Only the other participant's typing is shown, never the user's own (from another tab).
        if (notice.userId === active.user.id) return;
        typing.noteTyping(notice);
        live.emit('typing', notice);
      },
      presence(state) {
        store.applyPresence(state);
        live.emit('presence', state);
      },
      resync() {
        reloadConversations();
        live.emit('resync', undefined);
      },
      open({ resumed }) {
        streamOpened();
        outbox.retryQueued();
        // Opened without a cursor after the page already fetched: events may have
        // been published in between, so fetch again.
        if (!resumed && fetched) {
          reloadConversations();
          live.emit('resync', undefined);
        }
      },
      state(state) {
        status.update(state);
        live.emit('state', state);
      },
      unauthorized: () => logout(),
    });

    // A refused message goes back into its conversation's box, even if that page is closed.
    const drafts = createDrafts();
    outbox.on('rejected', ({ entry }) => {
      if (!drafts.get(entry.conversationId)) drafts.set(entry.conversationId, entry.content);
    });

    // A message the server confirmed: the list shows it as the last one at once.
    outbox.on('sent', (message) => {
      if (!store.applyMessage(message)) void fetchConversation(message.conversationId);
    });

    // The stream first, then the fetches: nothing can fall between the two.
    liveEvents.start();
    const conversationsLoaded = streamReady.then(async () => {
      fetched = true;
      store.addPage(await api.conversations(), PAGE_SIZE, true);
    });
    conversationsLoaded.catch(() => {});
    store.subscribe(updateTitle);

    if (Date.parse(active.expiresAt) - Date.now() < REFRESH_WHEN_LEFT_MS) {
      api.refreshToken().then(
        (fresh) => {
          if (session !== active) return;
          session = { ...active, token: fresh.token, expiresAt: fresh.expiresAt };
          saveSession(session);
        },
        () => {},
      );
    }

    const ctx: AppContext = {
      api,
      store,
      user: active.user,
      live,
      streamReady,
      conversationsLoaded,
      outbox,
      typing,
      typingSender,
      drafts,
      notifications,
      navigate: (path) => navigate(path),
      setOpenConversation(_conversationId, name) {
        titleName = name;
        updateTitle();
      },
    };
    const sidebarHost = el('nav', { class: 'sidebar', 'aria-label': 'Conversations' });
    const pane = el('main', { class: 'pane', id: 'main' });
    const shell = el('div', { class: 'shell', 'data-view': 'list' }, sidebarHost, pane);
    const sidebar = mountSidebar(sidebarHost, ctx, () => logout());
    return { ctx, liveEvents, sidebar, shell, pane };
  }

  if (oauthReturn) {
    // Back from "Sign in with GitHub" with a token: whose it is, then in as that user,
    // on the page the sign-in started for.
    content.append(
      el(
        'main',
        { class: 'login-page', id: 'main' },
        el('p', { class: 'card signing-in', role: 'status' }, 'Signing in…'),
      ),
    );
    api.authUserWith(oauthReturn.token).then(
      (user) => login({ ...oauthReturn, user }, location.pathname + location.search),
      () => {
        loginNotice = loginErrorMessage('session_failed');
        session = undefined;
        clearSession();
        render();
      },
    );
  } else {
    render();
  }
}
