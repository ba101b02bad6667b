import { ApiError } from './api-client';
import { MAX_CONTENT_LENGTH } from '#libs/contract';

/**
 * What went wrong, in words a person can act on. The server's messages are written
 * for developers ("must be at most 480 characters (got 481)"): they are never shown as
 * they are.
 */
export function plainError(caught: unknown, doing: string): string {
  if (!(caught instanceof ApiError)) return `Something went wrong while ${doing}. Please try again.`;
  if (caught.code === 'timeout') return `The server took too long while ${doing}. Please try again.`;
  if (caught.status === 0) return 'You seem to be offline. Check your connection and try again.';
  if (caught.status === 429) return 'Too many requests. Wait a moment and try again.';
  if (caught.status >= 500) return `Something went wrong on our side while ${doing}. Please try again in a moment.`;
  return `Something went wrong while ${doing}. Please try again.`;
}

/** A username the server refused (422): the rule, said plainly. */
export const USERNAME_RULE = 'Usernames are 1 to 39 letters, digits, “-” or “_”.';

/** Why a message was refused, in words (the content rules are the shared ones the counter follows). */
export function messageRefusal(caught: unknown): string {
  const field = caught instanceof ApiError ? (caught.fields.content ?? '') : '';
  if (/empty/.test(field)) return 'Write something first.';
  if (/at most/.test(field)) return `Messages can be at most ${MAX_CONTENT_LENGTH} characters.`;
  if (/NUL/.test(field)) return 'This message contains a character that cannot be sent.';
  return plainError(caught, 'sending');
}
