import { z } from 'zod';
import { validationFailed } from '#libs/http';
import { isId } from '#libs/contract';

/**
 * Parses input with a zod schema; a failure is a 422 naming each bad field (the first
 * problem per field), never a 500.
 */
export function parseInput<S extends z.ZodType>(schema: S, input: unknown): z.output<S> {
  const parsed = schema.safeParse(input ?? {});
  if (parsed.success) return parsed.data;
  const fields: Record<string, string> = {};
  for (const issue of parsed.error.issues) {
    const field = issue.path.length ? issue.path.join('.') : 'body';
    fields[field] ??= issue.message;
  }
  throw validationFailed(fields);
}

// Query strings repeat keys (`?limit=1&limit=2` gives an array); only a single value is valid.
const single = z.string({ error: 'must be given once' });

export const usernameSchema = z
  .string({ error: 'is required' })
  .regex(/^[A-Za-z0-9_-]{1,39}$/, 'must be 1 to 39 letters, digits, "-" or "_"');

export const beforeIdSchema = single.refine(isId, 'must be an id').optional();

export function limitSchema(fallback: number, max: number) {
  return single
    .regex(/^\d{1,4}$/, `must be an integer from 1 to ${max}`)
    .transform(Number)
    .refine((n) => n >= 1 && n <= max, `must be an integer from 1 to ${max}`)
    .optional()
    .transform((n) => n ?? fallback);
}
