import { ApiError, type ApiClient } from '../api-client';
import { detached, el } from '../dom';
import type { Session } from '../types';
import type { Unmount } from '../app-context';

/**
 * The ways to sign in the server offers (GET /api/auth/providers): "Sign in with GitHub",
 * and the development login (a username; the account is created on first use). `notice`
 * says why the last sign-in failed.
 */
export function mountLoginPage(
  container: HTMLElement,
  api: ApiClient,
  onLoggedIn: (session: Session) => void,
  notice?: string,
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
  const github = el('button', { type: 'button', class: 'github-login', hidden: true }, 'Sign in with GitHub');
  // Shown once the server says the development login is on.
  const devLogin = el(
    'div',
    { class: 'dev-login', hidden: true },
    el('p', { class: 'hint' }, 'Development login: pick any username; the account is created on first use.'),
    el('label', { for: 'username' }, 'Username'),
    input,
    error,
    button,
  );
  const form = el(
    'form',
    { class: 'card login' },
    el('h1', {}, 'Messenger'),
    notice ? el('p', { class: 'field-error login-error', role: 'alert' }, notice) : null,
    github,
    devLogin,
  );

  github.addEventListener('click', () => location.assign('/api/oauth/github'));
  let mounted = true;
  api.providers().then(
    (providers) => show(providers.github, providers.dev),
    // Without an answer, offer the development login as before; its own errors say what is wrong.
    () => show(false, true),
  );
  function show(githubOn: boolean, devOn: boolean) {
    if (!mounted) return;
    github.hidden = !githubOn;
    devLogin.hidden = !devOn;
    if (devOn) input.focus();
    else if (githubOn) github.focus();
  }

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
  document.title = 'Log in · Messenger';
  return () => {
    mounted = false;
    form.remove();
  };
}
