/**
 * Why a sign-in with an outside provider did not end in a session. The code is all the
 * browser ever sees (`/login?login_error=<code>`): never the provider's own words, which
 * it could use to put any text on our page. `detail` is for the log and must hold no
 * secret (no code, state, or token).
 */
export type LoginFailureCode =
  | 'state_mismatch'
  | 'access_denied'
  | 'provider_error'
  | 'exchange_failed'
  | 'profile_failed'
  | 'username_unavailable'
  | 'server_error';

export class LoginFailure extends Error {
  override name = 'LoginFailure';
  constructor(
    readonly code: LoginFailureCode,
    readonly detail: string,
  ) {
    super(`${code}: ${detail}`);
  }
}
