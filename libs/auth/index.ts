// The auth lib's public surface: JWT session and stream tokens, and reading the bearer token.
export { tokenFromRequest } from './bearer-token';
export { createTokenService, InvalidTokenError, type SignedToken, type TokenService } from './token-service';
