import { createHash, randomBytes, randomInt, timingSafeEqual } from 'node:crypto';
import http from 'node:http';
import Koa from 'koa';
import bodyParser from 'koa-bodyparser';
import { closeServer, listen } from '#libs/http';

/** The account /user answers with. */
export interface FakeGithubProfile {
  id: number;
  login: string;
  avatar_url: string | null;
}

/**
 * How /user behaves: `ok` answers the profile; `slow` never answers (until the client
 * gives up); `error` is a 500; `garbage` is not JSON; `wrong-shape` is JSON with the
 * wrong types.
 */
export type ProfileMode = 'ok' | 'slow' | 'error' | 'garbage' | 'wrong-shape';

/** How access_token behaves: `ok` checks and answers; `slow` never answers; `hang-up` drops the connection. */
export type TokenMode = 'ok' | 'slow' | 'hang-up';

export interface FakeGithub {
  url: string;
  clientId: string;
  clientSecret: string;
  /** The environment that points the messages service at this provider. */
  env(publicUrl: string): Record<string, string>;
  /** The next authorizations sign in as this account. */
  profile: FakeGithubProfile;
  profileMode: ProfileMode;
  tokenMode: TokenMode;
  /** The next authorizations are refused by the user (`error=access_denied`). */
  deny: boolean;
  /** Every authorize request's query, in order. */
  authorizeRequests: URLSearchParams[];
  /** Every access_token request's form body, in order. */
  tokenRequests: URLSearchParams[];
  /** Every access token handed out, so a test can check none of them is logged. */
  issuedTokens: string[];
  /** Every code handed out. */
  issuedCodes: string[];
  stop(): Promise<void>;
}

interface PendingCode {
  clientId: string;
  redirectUri: string;
  codeChallenge: string;
  profile: FakeGithubProfile;
}

/**
 * A small GitHub for tests, on a free port: the three endpoints the sign-in uses, with
 * the checks the real one makes. authorize consents at once (or denies when told);
 * access_token checks the client id and secret, the code (once only), the redirect_uri
 * and the PKCE verifier against the S256 challenge, and, like GitHub, answers refusals
 * with 200 and `{"error": ...}` (JSON when asked, else form-encoded); /user checks the
 * bearer token and answers as `profileMode` says.
 */
export async function startFakeGithub(profile: FakeGithubProfile = newGithubProfile()): Promise<FakeGithub> {
  const codes = new Map<string, PendingCode>();
  const tokens = new Map<string, FakeGithubProfile>();
  const app = new Koa();

  app.use(bodyParser({ enableTypes: ['form', 'json'] }));
  app.use(async (ctx, next) => {
    if (ctx.method === 'GET' && ctx.path === '/login/oauth/authorize') {
      const query = new URLSearchParams(ctx.querystring);
      fake.authorizeRequests.push(query);
      const redirectUri = query.get('redirect_uri');
      if (query.get('client_id') !== fake.clientId || !redirectUri) {
        ctx.status = 404;
        ctx.body = 'unknown application';
        return;
      }
      const back = new URL(redirectUri);
      const state = query.get('state');
      if (state !== null) back.searchParams.set('state', state);
      if (fake.deny) {
        back.searchParams.set('error', 'access_denied');
        back.searchParams.set('error_description', 'The user has denied your application access.');
      } else {
        const code = randomBytes(10).toString('hex');
        fake.issuedCodes.push(code);
        codes.set(code, {
          clientId: fake.clientId,
          redirectUri,
          codeChallenge: query.get('code_challenge_method') === 'S256' ? (query.get('code_challenge') ?? '') : '',
          profile: { ...fake.profile },
        });
        back.searchParams.set('code', code);
      }
      ctx.redirect(back.href);
      return;
    }
    if (ctx.method === 'POST' && ctx.path === '/login/oauth/access_token') {
      const form = new URLSearchParams(ctx.request.body as Record<string, string>);
      fake.tokenRequests.push(form);
      if (fake.tokenMode === 'hang-up') {
        ctx.req.socket.destroy();
        return;
      }
      if (fake.tokenMode === 'slow') {
        await new Promise((resolve) => ctx.res.once('close', resolve));
        return;
      }
      const refusal = checkTokenRequest(form, ctx.get('authorization'));
      let answer: Record<string, string>;
      if (refusal) {
        answer = { error: refusal, error_description: `Refused: ${refusal}` };
      } else {
        const pending = codes.get(form.get('code')!)!;
        codes.delete(form.get('code')!);
        const accessToken = `gho_${randomBytes(18).toString('hex')}`;
        fake.issuedTokens.push(accessToken);
        tokens.set(accessToken, pending.profile);
        answer = { access_token: accessToken, token_type: 'bearer', scope: 'read:user' };
      }
      if (ctx.accepts('application/json', 'application/x-www-form-urlencoded') === 'application/json') {
        ctx.body = answer;
      } else {
        ctx.type = 'application/x-www-form-urlencoded';
        ctx.body = new URLSearchParams(answer).toString();
      }
      return;
    }
    if (ctx.method === 'GET' && ctx.path === '/api/v3/user') {
      const match = /^(?:Bearer|token) (\S+)$/.exec(ctx.get('authorization'));
      const account = match?.[1] ? tokens.get(match[1]) : undefined;
      if (!account) {
        ctx.status = 401;
        ctx.body = { message: 'Bad credentials' };
        return;
      }
      switch (fake.profileMode) {
        case 'ok':
          ctx.body = { ...account, type: 'User', name: null };
          return;
        case 'slow':
          // Answers nothing: the caller's deadline must end the request.
          await new Promise((resolve) => ctx.res.once('close', resolve));
          return;
        case 'error':
          ctx.status = 500;
          ctx.type = 'text/html';
          ctx.body = '<html><body>Internal error <script>alert(1)</script></body></html>';
          return;
        case 'garbage':
          ctx.type = 'application/json';
          ctx.body = '{"id": 12, "login": <not json';
          return;
        case 'wrong-shape':
          ctx.body = { id: String(account.id), login: 42, avatar_url: account.avatar_url };
          return;
      }
    }
    await next();
  });

  function checkTokenRequest(form: URLSearchParams, authorization: string): string | undefined {
    // client_secret_post, or HTTP Basic as GitHub also accepts.
    let [clientId, clientSecret] = [form.get('client_id'), form.get('client_secret')];
    const basic = /^Basic (\S+)$/.exec(authorization);
    if (basic?.[1]) {
      const decoded = Buffer.from(basic[1], 'base64').toString();
      const colon = decoded.indexOf(':');
      [clientId, clientSecret] = [
        decodeURIComponent(decoded.slice(0, colon)),
        decodeURIComponent(decoded.slice(colon + 1)),
      ];
    }
    if (clientId !== fake.clientId || !sameText(clientSecret ?? '', fake.clientSecret)) {
      return 'incorrect_client_credentials';
    }
    const pending = codes.get(form.get('code') ?? '');
    if (!pending || pending.clientId !== clientId) return 'bad_verification_code';
    if (form.get('redirect_uri') !== pending.redirectUri) return 'redirect_uri_mismatch';
    const verifier = form.get('code_verifier') ?? '';
    const challenge = createHash('sha256').update(verifier).digest('base64url');
    if (!pending.codeChallenge || challenge !== pending.codeChallenge) return 'invalid_grant';
    return undefined;
  }

  // callback() composes the middleware registered so far: only now is it complete.
  const handle = app.callback();
  const server = http.createServer((req, res) => void handle(req, res));
  const fake: FakeGithub = {
    url: '',
    clientId: `client-${randomBytes(4).toString('hex')}`,
    clientSecret: randomBytes(20).toString('hex'),
    env: (publicUrl) => ({
      GITHUB_CLIENT_ID: fake.clientId,
      GITHUB_CLIENT_SECRET: fake.clientSecret,
      GITHUB_OAUTH_URL: fake.url,
      GITHUB_API_URL: `${fake.url}/api/v3`,
      PUBLIC_URL: publicUrl,
    }),
    profile,
    profileMode: 'ok',
    tokenMode: 'ok',
    deny: false,
    authorizeRequests: [],
    tokenRequests: [],
    issuedTokens: [],
    issuedCodes: [],
    async stop() {
      // A `slow` /user request is still open: end it.
      server.closeAllConnections();
      await closeServer(server);
    },
  };

  fake.url = await listen(server, 0, '127.0.0.1');
  return fake;
}

/** A GitHub account no other test has: a random id and login. */
export function newGithubProfile(login = `gh-${randomBytes(5).toString('hex')}`): FakeGithubProfile {
  return {
    id: randomInt(1_000_000, 2 ** 47),
    login,
    avatar_url: `https://avatars.example.com/u/${randomBytes(4).toString('hex')}?v=4`,
  };
}

function sameText(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a), Buffer.from(b)];
  return x.length === y.length && timingSafeEqual(x, y);
}
