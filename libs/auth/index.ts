// The auth lib's public surface: JWT session and stream tokens (signing, in the messages
// service, and verifying, in every service), and reading the bearer token.
export { tokenFromRequest } from './bearer-token';
export { createTokenService, type SignedToken, type TokenService } from './token-service';
export { createTokenVerifier, InvalidTokenError, type TokenVerifier } from './token-verifier';
