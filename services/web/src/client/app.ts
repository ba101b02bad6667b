import { createApiClient, PAGE_SIZE } from './api-client';
import type { AppContext, LiveEmitter, Unmount } from './app-context';
import { avatar } from './components/avatar';
import { connectionStatus } from './components/connection-status';
import { createConversationStore } from './conversation-store';
import { clear, el } from './dom';
import { createEmitter } from './emitter';
import { createLiveEvents, type LiveEvents } from './live-events';
import { mountConversationPage } from './pages/conversation-page';
import { mountHomePage } from './pages/home-page';
import { loginErrorMessage, takeLoginError, takeOAuthReturn } from './oauth-return';
import { mountLoginPage } from './pages/login-page';
import { startRelativeTimeTicker } from './relative-time';
import { interceptNavigation, parseRoute } from './router';
import { clearSession, loadSession, onSessionChangedElsewhere, saveSession } from './session-store';
import type { Message, ReadEvent, Session } from './types';

// How long the first fetches wait for the event stream before going ahead without it
// (the stream's first open then triggers a refetch, see `open` below).
const STREAM_WAIT_MS = 3000;
const REFRESH_WHEN_LEFT_MS = 7 * 24 * 60 * 60 * 1000;

interface LoggedIn {
  ctx: AppContext;
  liveEvents: LiveEvents;
}

/** The app shell: header (connection state, user, Log out), routing, and the live session. */
export function startApp(root: HTMLElement): void {
  // Read (and wiped from the address bar) before anything else looks at the URL.
  const oauthReturn = takeOAuthReturn();
  let loginNotice = takeLoginError();
  let session = loadSession();
  let current: LoggedIn | undefined;
  let unmountPage: Unmount | undefined;

  const api = createApiClient(
    () => session?.token,
    () => logout(),
  );
  const status = connectionStatus();
  const me = el('span', { class: 'me' });
  const logoutButton = el('button', { type: 'button', class: 'secondary' }, 'Log out');
  const account = el('div', { class: 'account' }, status.element, me, logoutButton);
  const main = el('main', { id: 'page' });
  root.append(
    el('header', { class: 'top' }, el('a', { href: '/', 'data-route': true, class: 'brand' }, 'Messenger'), account),
    main,
  );

  const navigate = interceptNavigation(render);
  logoutButton.addEventListener('click', () => logout());
  onSessionChangedElsewhere(() => location.reload());
  startRelativeTimeTicker();

  function render() {
    unmountPage?.();
    unmountPage = undefined;
    clear(main);
    const route = parseRoute(location.pathname);
    account.hidden = !session;
    if (!session) {
      if (route.name !== 'login') history.replaceState(null, '', '/login');
      unmountPage = mountLoginPage(main, api, login, loginNotice);
      loginNotice = undefined;
      return;
    }
    if (route.name === 'login') history.replaceState(null, '', '/');
    const { ctx } = (current ??= beginSession(session));
    clear(me);
    me.append(avatar(session.user), session.user.username);
    updateTitle();
    if (route.name === 'conversation') unmountPage = mountConversationPage(main, ctx, route.id);
    else if (route.name === 'not-found')
      main.append(
        el(
          'p',
          { class: 'card' },
          'Page not found. ',
          el('a', { href: '/', 'data-route': true }, 'Back to conversations'),
        ),
      );
    else unmountPage = mountHomePage(main, ctx);
  }

  function login(next: Session, path = '/') {
    current?.liveEvents.stop();
    current = undefined;
    saveSession(next);
    session = next;
    navigate(path, true);
  }

  function logout() {
    current?.liveEvents.stop();
    current = undefined;
    session = undefined;
    clearSession();
    document.title = 'Messenger';
    navigate('/login', true);
  }

  function updateTitle() {
    const unread = current?.ctx.store.unreadCount() ?? 0;
    document.title = unread > 0 ? `(${unread}) Messenger` : 'Messenger';
  }

  function beginSession(active: Session): LoggedIn {
    const store = createConversationStore();
    const live: LiveEmitter = createEmitter<{ message: Message; read: ReadEvent; resync: undefined }>();
    let openConversationId: string | undefined;
    let fetched = false;
    const fetchingConversations = new Set<string>();

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
    function fetchConversation(conversationId: string) {
      if (fetchingConversations.has(conversationId)) return;
      fetchingConversations.add(conversationId);
      api
        .conversation(conversationId)
        .then(
          (conversation) => {
            store.upsert(conversation);
            // On screen, its messages are being read: the server's flag may predate that.
            if (conversation.id === openConversationId) store.markRead(conversation.id);
          },
          () => {},
        )
        .finally(() => fetchingConversations.delete(conversationId));
    }

    const liveEvents = createLiveEvents(() => api.streamToken(), {
      message(message) {
        if (!store.applyMessage(message, message.conversationId === openConversationId))
          fetchConversation(message.conversationId);
        live.emit('message', message);
      },
      read(event) {
        store.applyRead(event);
        live.emit('read', event);
      },
      resync() {
        reloadConversations();
        live.emit('resync', undefined);
      },
      open({ resumed }) {
        streamOpened();
        // Opened without a cursor after the page already fetched: events may have
        // been published in between, so fetch again.
        if (!resumed && fetched) {
          reloadConversations();
          live.emit('resync', undefined);
        }
      },
      state: (state) => status.update(state),
      unauthorized: () => logout(),
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
      navigate: (path) => navigate(path),
      setOpenConversation(conversationId) {
        openConversationId = conversationId;
      },
    };
    return { ctx, liveEvents };
  }

  if (oauthReturn) {
    // Back from "Sign in with GitHub" with a token: whose it is, then in as that user,
    // on the page the sign-in started for.
    main.append(el('p', { class: 'card' }, 'Signing in…'));
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
