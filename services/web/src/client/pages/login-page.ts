import { ApiError, type ApiClient } from '../api-client';
import type { Unmount } from '../app-context';
import { detached, el } from '../dom';
import { plainError, USERNAME_RULE } from '../error-text';
import type { Session } from '../session-store';

/**
 * The login page: a card with the app's name and the ways to sign in the server offers
 * (GET /api/auth/providers): "Sign in with GitHub", and the development login (a
 * username; the account is created on first use). Each way is a section of its own in
 * `methods`. `notice` says why the last sign-in failed.
 */
export function mountLoginPage(
  container: HTMLElement,
  api: ApiClient,
  onLoggedIn: (session: Session) => void,
  notice?: string,
): Unmount {
  const github = el('button', { type: 'button', class: 'github-login wide', hidden: true }, 'Sign in with GitHub');
  github.addEventListener('click', () => location.assign('/api/oauth/github'));
  const divider = el('p', { class: 'divider', hidden: true }, 'or');
  const dev = developmentLogin(api, onLoggedIn);
  // Shown once the server says which ways are on.
  dev.form.hidden = true;
  const methods = el('div', { class: 'sign-in-methods' }, github, divider, dev.form);
  const page = el(
    'main',
    { class: 'login-page', id: 'main' },
    el(
      'section',
      { class: 'card login' },
      el('div', { class: 'brand-mark', 'aria-hidden': 'true' }, 'M'),
      el('h1', { id: 'page-title', tabindex: -1 }, 'Messenger'),
      el('p', { class: 'hint' }, 'Talk with anyone, live.'),
      notice ? el('p', { class: 'field-error login-error', role: 'alert' }, notice) : null,
      methods,
    ),
  );
  container.append(page);
  document.title = 'Log in · Messenger';

  let mounted = true;
  api.providers().then(
    (providers) => show(providers.github, providers.dev),
    // Without an answer, offer the development login as before; its own errors say what is wrong.
    () => show(false, true),
  );
  function show(githubOn: boolean, devOn: boolean) {
    if (!mounted) return;
    github.hidden = !githubOn;
    dev.form.hidden = !devOn;
    divider.hidden = !(githubOn && devOn);
    if (devOn) dev.focus();
    else if (githubOn) github.focus();
  }

  return () => {
    mounted = false;
    page.remove();
  };
}

function developmentLogin(api: ApiClient, onLoggedIn: (session: Session) => void) {
  const input = el('input', {
    id: 'username',
    name: 'username',
    autocomplete: 'username',
    autocapitalize: 'none',
    spellcheck: 'false',
    required: true,
    maxlength: 39,
    'aria-describedby': 'username-hint username-error',
  });
  const error = el('p', { id: 'username-error', class: 'field-error', role: 'alert' });
  const button = el('button', { type: 'submit', class: 'wide' }, 'Log in');
  const form = el(
    'form',
    { class: 'sign-in-method dev-login' },
    el('label', { for: 'username' }, 'Username'),
    input,
    el(
      'p',
      { id: 'username-hint', class: 'field-hint' },
      'Development login: pick any username; the account is created on first use.',
    ),
    error,
    button,
  );

  form.addEventListener(
    'submit',
    detached(async (event) => {
      event.preventDefault();
      if (button.getAttribute('aria-disabled') === 'true') return;
      error.textContent = '';
      button.setAttribute('aria-disabled', 'true');
      try {
        const answer = await api.login(input.value.trim());
        onLoggedIn({ token: answer.token, expiresAt: answer.expiresAt, user: answer.authUser });
      } catch (caught) {
        const apiError = caught instanceof ApiError ? caught : undefined;
        error.textContent = apiError?.status === 422 ? USERNAME_RULE : plainError(caught, 'logging in');
        button.removeAttribute('aria-disabled');
        input.focus();
      }
    }),
  );
  return { form, focus: () => input.focus() };
}
