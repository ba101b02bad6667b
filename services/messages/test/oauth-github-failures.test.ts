import { useMessagesApp } from '../../../test/support/messages/messages-app';
import { newGithubProfile, startFakeGithub, type FakeGithub } from '../../../test/support/messages/fake-github';
import {
  authorize,
  finishSignIn,
  signInWithGithub,
  startSignIn,
  type FinishedSignIn,
} from '../../../test/support/messages/github-sign-in';
import { captureLogLines } from '../../../test/support/stream/stream-log-capture';

const PUBLIC_URL = 'http://messenger.test:8080';
// Short, so that the slow-provider test is quick; the default is 5 s.
const GITHUB_TIMEOUT_MS = 1000;

let fake: FakeGithub;
beforeAll(async () => {
  fake = await startFakeGithub();
});
afterAll(() => fake?.stop());
beforeEach(() => {
  fake.profile = newGithubProfile();
  fake.profileMode = 'ok';
  fake.tokenMode = 'ok';
  fake.deny = false;
});

const logs = captureLogLines('trace');
const service = useMessagesApp(() => ({
  env: fake.env(PUBLIC_URL),
  deps: { logger: logs.logger, githubTimeoutMs: GITHUB_TIMEOUT_MS },
}));

/** A failed sign-in: back on the login page with the code, no token anywhere, the cookie cleared. */
function expectFailure(finished: FinishedSignIn, code: string) {
  expect(finished.response.status).toBe(302);
  expect(finished.location.href).toBe(`${PUBLIC_URL}/login?login_error=${code}`);
  expect(finished.token).toBeUndefined();
  expect(finished.setCookie).toMatch(/^messenger_oauth=; Max-Age=0; Path=\/api\/oauth\/github;/);
}

async function consented() {
  const started = await startSignIn(service.app.url);
  return { started, callbackUrl: await authorize(started.location!) };
}

describe('Sign in with GitHub, when something is wrong', () => {
  test('When the callback carries another state than the cookie, then state_mismatch and no code is exchanged', async () => {
    const { started, callbackUrl } = await consented();
    callbackUrl.searchParams.set('state', `${callbackUrl.searchParams.get('state')}x`);
    const exchanges = fake.tokenRequests.length;
    expectFailure(await finishSignIn(service.app.url, callbackUrl, started.cookie), 'state_mismatch');
    expect(fake.tokenRequests.length).toBe(exchanges);
  });

  test('When the callback has no state, then state_mismatch', async () => {
    const { started, callbackUrl } = await consented();
    callbackUrl.searchParams.delete('state');
    expectFailure(await finishSignIn(service.app.url, callbackUrl, started.cookie), 'state_mismatch');
  });

  test('When the state is given twice, then state_mismatch', async () => {
    const { started, callbackUrl } = await consented();
    callbackUrl.searchParams.append('state', callbackUrl.searchParams.get('state')!);
    expectFailure(await finishSignIn(service.app.url, callbackUrl, started.cookie), 'state_mismatch');
  });

  test('When the browser has no state cookie (a login started elsewhere, or a forged callback link), then state_mismatch', async () => {
    const { callbackUrl } = await consented();
    expectFailure(await finishSignIn(service.app.url, callbackUrl, ''), 'state_mismatch');
  });

  test("When the cookie's value is altered, then it is refused: state_mismatch", async () => {
    const { started, callbackUrl } = await consented();
    const [name, value] = started.cookie.split('=') as [string, string];
    const [data, signature] = value.split('.') as [string, string];
    const payload = JSON.parse(Buffer.from(data, 'base64url').toString());
    const forged = Buffer.from(JSON.stringify({ ...payload, redirect: '/elsewhere' })).toString('base64url');
    expectFailure(await finishSignIn(service.app.url, callbackUrl, `${name}=${forged}.${signature}`), 'state_mismatch');
  });

  test("When the callback comes back with another browser's cookie, then state_mismatch", async () => {
    const mine = await consented();
    const theirs = await startSignIn(service.app.url);
    expectFailure(await finishSignIn(service.app.url, mine.callbackUrl, theirs.cookie), 'state_mismatch');
  });

  test('When a callback is replayed after the sign-in finished, then the code is refused: exchange_failed', async () => {
    const { started, callbackUrl } = await consented();
    expect((await finishSignIn(service.app.url, callbackUrl, started.cookie)).token).toEqual(expect.any(String));
    expectFailure(await finishSignIn(service.app.url, callbackUrl, started.cookie), 'exchange_failed');
  });

  test('When the user denies consent on GitHub, then access_denied', async () => {
    fake.deny = true;
    const { started, callbackUrl } = await consented();
    expect(callbackUrl.searchParams.get('error')).toBe('access_denied');
    expectFailure(await finishSignIn(service.app.url, callbackUrl, started.cookie), 'access_denied');
  });

  test('When GitHub sends another error, then provider_error, and its description is not passed on', async () => {
    const { started, callbackUrl } = await consented();
    callbackUrl.searchParams.delete('code');
    callbackUrl.searchParams.set('error', 'temporarily_unavailable');
    callbackUrl.searchParams.set('error_description', '<script>alert(1)</script>');
    const finished = await finishSignIn(service.app.url, callbackUrl, started.cookie);
    expectFailure(finished, 'provider_error');
  });

  test('When the callback has a state but no code, then provider_error', async () => {
    const { started, callbackUrl } = await consented();
    callbackUrl.searchParams.delete('code');
    expectFailure(await finishSignIn(service.app.url, callbackUrl, started.cookie), 'provider_error');
  });

  test("When a code from another sign-in is injected into this browser's callback (PKCE mismatch), then GitHub refuses it: exchange_failed", async () => {
    // The attacker's own authorization: a valid code, bound to the attacker's PKCE challenge.
    const attacker = await consented();
    const victim = await consented();
    const injected = new URL(victim.callbackUrl);
    injected.searchParams.set('code', attacker.callbackUrl.searchParams.get('code')!);
    expectFailure(await finishSignIn(service.app.url, injected, victim.started.cookie), 'exchange_failed');
    expect(logs.lines.join('\n')).toContain('provider error invalid_grant');
    expect(fake.tokenRequests.at(-1)!.get('code')).toBe(attacker.callbackUrl.searchParams.get('code'));
  });

  test('When GitHub takes too long to answer /user, then the sign-in gives up after the deadline: profile_failed', async () => {
    fake.profileMode = 'slow';
    const { started, callbackUrl } = await consented();
    const began = Date.now();
    const finished = await finishSignIn(service.app.url, callbackUrl, started.cookie);
    const elapsed = Date.now() - began;
    expectFailure(finished, 'profile_failed');
    expect(elapsed).toBeGreaterThanOrEqual(GITHUB_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(GITHUB_TIMEOUT_MS + 4000);
  });

  test.each([
    ['answers 500 with an HTML page', 'error'],
    ['answers something that is not JSON', 'garbage'],
    ['answers JSON of the wrong shape', 'wrong-shape'],
  ] as const)('When GitHub %s for /user, then profile_failed', async (_, mode) => {
    fake.profileMode = mode;
    expectFailure(await signInWithGithub(service.app.url), 'profile_failed');
  });

  test('When GitHub drops the connection of the token exchange, then exchange_failed, not a 500', async () => {
    fake.tokenMode = 'hang-up';
    expectFailure(await signInWithGithub(service.app.url), 'exchange_failed');
  });

  test('When GitHub takes too long to answer the token exchange, then the sign-in gives up after the deadline: exchange_failed', async () => {
    fake.tokenMode = 'slow';
    const began = Date.now();
    const finished = await signInWithGithub(service.app.url);
    const elapsed = Date.now() - began;
    expectFailure(finished, 'exchange_failed');
    expect(elapsed).toBeGreaterThanOrEqual(GITHUB_TIMEOUT_MS - 50);
    expect(elapsed).toBeLessThan(GITHUB_TIMEOUT_MS + 4000);
  });

  test('When sign-ins fail, then no log line holds a code, a state or a token, and the reasons are logged', () => {
    const logged = logs.lines.join('\n');
    for (const code of fake.issuedCodes) expect(logged).not.toContain(code);
    for (const token of fake.issuedTokens) expect(logged).not.toContain(token);
    for (const query of fake.authorizeRequests) expect(logged).not.toContain(query.get('state'));
    expect(logged).not.toContain(fake.clientSecret);
    for (const reason of ['state_mismatch', 'access_denied', 'exchange_failed', 'profile_failed', 'provider_error']) {
      expect(logged).toContain(`"reason":"${reason}"`);
    }
  });
});

describe('Sign in with GitHub, with the wrong client secret', () => {
  const misconfiguredLogs = captureLogLines('info');
  const misconfigured = useMessagesApp(() => ({
    env: { ...fake.env(PUBLIC_URL), GITHUB_CLIENT_SECRET: 'not-the-secret-github-knows' },
    deps: { logger: misconfiguredLogs.logger },
  }));

  test("When the service holds a wrong client secret, then GitHub refuses the exchange: exchange_failed, with GitHub's reason logged", async () => {
    expectFailure(await signInWithGithub(misconfigured.app.url), 'exchange_failed');
    expect(misconfiguredLogs.lines.join('\n')).toContain('provider error incorrect_client_credentials');
    expect(fake.tokenRequests.at(-1)!.get('client_secret')).toBe('not-the-secret-github-knows');
  });
});
