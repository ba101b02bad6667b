import { isId } from '#libs/contract';
import { notFound } from '#libs/http';

/** An id taken from a path: anything that cannot be an id names nothing, so 404 (never 500). */
export function pathId(value: string | undefined, what = 'Conversation'): string {
  if (!isId(value)) throw notFound(`${what} not found`);
  return value;
}
