import { createSecretKey } from 'node:crypto';
import jwt from 'jsonwebtoken';
import { isId } from '#libs/contract';

/**
 * Signs and verifies the product's JWTs. HS256 only: pinning the algorithm on verify
 * is what rejects `alg: none` and algorithm-confusion tokens.
 *
 * Audiences keep token kinds apart: a session token (from login or refresh) is
 * accepted by every service; a stream token is short-lived, meant to travel in an
 * EventSource URL, and is accepted by the stream service only.
 */
export type TokenAudience = 'session' | 'stream';

export interface VerifiedToken {
  userId: string;
  audience: TokenAudience;
  expiresAt: Date;
}

export interface SignedToken {
  token: string;
  expiresAt: Date;
}

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
  constructor(
    message: string,
    readonly reason: 'missing' | 'malformed' | 'expired' | 'invalid',
  ) {
    super(message);
  }
}

const ALGORITHM = 'HS256';

export interface TokenServiceOptions {
  secret: string;
  /** Lifetime of session tokens, in seconds. */
  sessionTtlSeconds: number;
  /** Lifetime of stream tokens, in seconds. */
  streamTtlSeconds: number;
  now?: () => number;
}

export function createTokenService({
  secret,
  sessionTtlSeconds,
  streamTtlSeconds,
  now = Date.now,
}: TokenServiceOptions) {
  // A KeyObject made once: given a string, jsonwebtoken first tries to parse it as a
  // PEM public key on every verify, which was the most expensive step of a request.
  const signingKey = createSecretKey(Buffer.from(secret));

  function sign(userId: string, audience: TokenAudience = 'session'): SignedToken {
    const issuedAt = Math.floor(now() / 1000);
    const exp = issuedAt + (audience === 'stream' ? streamTtlSeconds : sessionTtlSeconds);
    const token = jwt.sign({ sub: userId, aud: audience, iat: issuedAt, exp }, signingKey, { algorithm: ALGORITHM });
    return { token, expiresAt: new Date(exp * 1000) };
  }

  function verify(token: string | undefined, accepted: readonly TokenAudience[] = ['session']): VerifiedToken {
    if (!token) throw new InvalidTokenError('Authentication required', 'missing');
    let payload: jwt.JwtPayload | string;
    try {
      payload = jwt.verify(token, signingKey, {
        algorithms: [ALGORITHM],
        audience: accepted as [TokenAudience, ...TokenAudience[]],
        clockTimestamp: Math.floor(now() / 1000),
      });
    } catch (error) {
      if (error instanceof jwt.TokenExpiredError) throw new InvalidTokenError('Token expired', 'expired');
      if (error instanceof jwt.JsonWebTokenError && error.message === 'jwt malformed') {
        throw new InvalidTokenError('Malformed token', 'malformed');
      }
      throw new InvalidTokenError('Invalid token', 'invalid');
    }
    if (typeof payload === 'string' || !isId(payload.sub)) {
      throw new InvalidTokenError('Invalid token subject', 'invalid');
    }
    // jsonwebtoken accepts tokens without `exp`; this product never issues one.
    if (typeof payload.exp !== 'number') throw new InvalidTokenError('Token has no expiry', 'invalid');
    return { userId: payload.sub, audience: payload.aud as TokenAudience, expiresAt: new Date(payload.exp * 1000) };
  }

  return { sign, verify };
}

export type TokenService = ReturnType<typeof createTokenService>;
