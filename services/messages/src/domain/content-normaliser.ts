export const MAX_CONTENT_LENGTH = 480;

/**
 * A message's content as stored: in each line, runs of white space become one space
 * and the line is trimmed; empty lines are dropped; lines are joined with "\n".
 */
export function normaliseContent(raw: string): string {
  return raw
    .split(/\r\n|\r|\n/)
    .map((line) => line.replace(/\s+/g, ' ').trim())
    .filter((line) => line.length > 0)
    .join('\n');
}

/** Length in Unicode code points, as PostgreSQL's varchar(480) counts it (480 emoji fit). */
export function contentLength(content: string): number {
  return [...content].length;
}
