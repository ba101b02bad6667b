import { createSecretKey, type KeyObject } from 'node:crypto';

/**
 * HS256 only: pinning the algorithm on verify is what rejects `alg: none` and
 * algorithm-confusion tokens.
 */
export const ALGORITHM = 'HS256';

/**
 * A KeyObject made once per signer or verifier: given a string, jsonwebtoken first tries
 * to parse it as a PEM public key on every verify, which was the most expensive step
 * of a request.
 */
export function createJwtKey(jwtSecret: string): KeyObject {
  return createSecretKey(Buffer.from(jwtSecret));
}
