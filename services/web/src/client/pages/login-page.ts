import { ApiError, type ApiClient } from '../api-client';
import type { Unmount } from '../app-context';
import { detached, el } from '../dom';
import { plainError, USERNAME_RULE } from '../error-text';
import type { Session } from '../types';

/**
 * The login page: a card with the app's name and the ways to sign in. Today one, the
 * development login (a username; the account is created on first use). Another way
 * (e.g. "Sign in with GitHub") goes into `methods` as a section of its own.
 */
export function mountLoginPage(
  container: HTMLElement,
  api: ApiClient,
  onLoggedIn: (session: Session) => void,
): Unmount {
  const methods = el('div', { class: 'sign-in-methods' }, developmentLogin(api, onLoggedIn));
  const page = el(
    'main',
    { class: 'login-page', id: 'main' },
    el(
      'section',
      { class: 'card login' },
      el('div', { class: 'brand-mark', 'aria-hidden': 'true' }, 'M'),
      el('h1', { id: 'page-title', tabindex: -1 }, 'Messenger'),
      el('p', { class: 'hint' }, 'Talk with anyone, live.'),
      methods,
    ),
  );
  container.append(page);
  document.title = 'Log in · Messenger';
  page.querySelector('input')?.focus();
  return () => page.remove();
}

function developmentLogin(api: ApiClient, onLoggedIn: (session: Session) => void): HTMLElement {
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
    { class: 'sign-in-method' },
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
  return form;
}
