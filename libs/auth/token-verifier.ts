import jwt from 'jsonwebtoken';
import { isId } from '#libs/contract';
import { ALGORITHM, createJwtKey } from './token-key';

/**
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

export class InvalidTokenError extends Error {
  override name = 'InvalidTokenError';
  constructor(
    message: string,
    readonly reason: 'missing' | 'malformed' | 'expired' | 'invalid',
  ) {
    super(message);
  }
}

/** The fields of `config.auth` that verifying needs: the stream service only verifies. */
export interface TokenVerifierOptions {
  jwtSecret: string;
  now?: () => number;
}

export interface TokenVerifier {
  /** The token's user, if it is valid, unexpired and of an accepted audience; else InvalidTokenError. */
  verify(token: string | undefined, accepted?: readonly TokenAudience[]): VerifiedToken;
}

export function createTokenVerifier({ jwtSecret, now = Date.now }: TokenVerifierOptions): TokenVerifier {
  const key = createJwtKey(jwtSecret);

  function verify(token: string | undefined, accepted: readonly TokenAudience[] = ['session']): VerifiedToken {
    if (!token) throw new InvalidTokenError('Authentication required', 'missing');
    let payload: jwt.JwtPayload | string;
    try {
      payload = jwt.verify(token, key, {
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

  return { verify };
}
