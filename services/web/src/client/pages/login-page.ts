import { ApiError, type ApiClient } from '../api-client';
import { detached, el } from '../dom';
import type { Session } from '../types';
import type { Unmount } from '../app-context';

/** The development login: a username, and the account is created on first use. */
export function mountLoginPage(
  container: HTMLElement,
  api: ApiClient,
  onLoggedIn: (session: Session) => void,
): Unmount {
  const input = el('input', {
    id: 'username',
    name: 'username',
    autocomplete: 'username',
    required: true,
    maxlength: 39,
    'aria-describedby': 'username-error',
  });
  const error = el('p', { id: 'username-error', class: 'field-error', role: 'alert' });
  const button = el('button', { type: 'submit' }, 'Log in');
  const form = el(
    'form',
    { class: 'card login' },
    el('h1', {}, 'Messenger'),
    el('p', { class: 'hint' }, 'Development login: pick any username; the account is created on first use.'),
    el('label', { for: 'username' }, 'Username'),
    input,
    error,
    button,
  );

  form.addEventListener(
    'submit',
    detached(async (event) => {
      event.preventDefault();
      error.textContent = '';
      button.disabled = true;
      try {
        const answer = await api.login(input.value.trim());
        onLoggedIn({ token: answer.token, expiresAt: answer.expiresAt, user: answer.authUser });
      } catch (caught) {
        const apiError = caught instanceof ApiError ? caught : undefined;
        error.textContent = apiError?.fields.username ?? apiError?.message ?? 'Login failed';
        button.disabled = false;
        input.focus();
      }
    }),
  );

  container.append(form);
  input.focus();
  document.title = 'Log in · Messenger';
  return () => form.remove();
}
