export const MAX_CONTENT_LENGTH = 480;

// Unicode's White_Space, not JavaScript's \s: that one leaves out NEL (U+0085) and
// counts the zero-width no-break space (U+FEFF), which is a format character.
const WHITE_SPACE_RUN = /\p{White_Space}+/gu;
// Nothing but white space and format characters (zero-width space, joiners, BOM...):
// such a message would show as an empty bubble.
const INVISIBLE = /^[\p{White_Space}\p{Cf}]*$/u;

/**
 * A message's content as stored: in each line, runs of white space become one space
 * and the line is trimmed; empty lines are dropped; lines are joined with "\n".
 */
export function normaliseContent(raw: string): string {
  return raw
    .split(/\r\n|\r|\n/)
    .map((line) => line.replace(WHITE_SPACE_RUN, ' ').replace(/^ | $/g, ''))
    .filter((line) => line.length > 0)
    .join('\n');
}

/** True when the content has something to see: not empty, not only zero-width characters. */
export function hasVisibleContent(content: string): boolean {
  return !INVISIBLE.test(content);
}

/** Length in Unicode code points, as PostgreSQL's varchar(480) counts it (480 emoji fit). */
export function contentLength(content: string): number {
  return [...content].length;
}
