import jwt from 'jsonwebtoken';
import { ALGORITHM, createJwtKey } from './token-key';
import { createTokenVerifier, type TokenAudience, type TokenVerifier } from './token-verifier';

export interface SignedToken {
  token: string;
  expiresAt: Date;
}

/** The fields of `config.auth` that signing needs, so `createTokenService(config.auth)` works. */
export interface TokenServiceOptions {
  jwtSecret: string;
  /** Lifetime of session tokens, in seconds. */
  tokenTtlSeconds: number;
  /** Lifetime of stream tokens, in seconds. */
  streamTokenTtlSeconds: number;
  now?: () => number;
}

/** Signs and verifies the product's JWTs: the messages service issues the tokens every service verifies. */
export interface TokenService extends TokenVerifier {
  sign(userId: string, audience?: TokenAudience): SignedToken;
}

export function createTokenService(options: TokenServiceOptions): TokenService {
  const { tokenTtlSeconds, streamTokenTtlSeconds, now = Date.now } = options;
  const key = createJwtKey(options.jwtSecret);

  function sign(userId: string, audience: TokenAudience = 'session'): SignedToken {
    const issuedAt = Math.floor(now() / 1000);
    const exp = issuedAt + (audience === 'stream' ? streamTokenTtlSeconds : tokenTtlSeconds);
    const token = jwt.sign({ sub: userId, aud: audience, iat: issuedAt, exp }, key, { algorithm: ALGORITHM });
    return { token, expiresAt: new Date(exp * 1000) };
  }

  return { sign, ...createTokenVerifier(options) };
}
