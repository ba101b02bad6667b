import { createTokenService } from '#libs/auth';

/** Signs session tokens with the bench's secret, as the messages service's login would. */
export type TokenSigner = (userId: string) => string;

export function createTokenSigner(secret: string): TokenSigner {
  const tokens = createTokenService({ secret, sessionTtlSeconds: 3600, streamTtlSeconds: 300 });
  return (userId) => tokens.sign(userId).token;
}
