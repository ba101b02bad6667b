import { z } from 'zod';

// Resolved against this, a safe path must stay on it.
const PROBE_ORIGIN = 'http://origin.invalid';

/**
 * Where a sign-in may land (`?redirect=`): a path on this site only. Refused: anything
 * not starting with one "/" (absolute URLs, `//host` and `/\host`, which browsers read
 * as another host), any backslash, control character or white space, and a fragment
 * (the session token travels in the fragment).
 */
export function isSafeRedirectPath(value: string): boolean {
  if (!value.startsWith('/') || value.startsWith('//')) return false;
  if (/[\\#\s]/.test(value) || [...value].some(isControlCharacter)) return false;
  try {
    return new URL(value, PROBE_ORIGIN).origin === PROBE_ORIGIN;
  } catch {
    return false;
  }
}

function isControlCharacter(character: string): boolean {
  const code = character.charCodeAt(0);
  return code < 0x20 || code === 0x7f;
}

export const redirectPathSchema = z
  .string({ error: 'must be given once' })
  .max(2000, 'must be at most 2000 characters')
  .refine(isSafeRedirectPath, 'must be a path on this site, starting with a single "/"');
