/**
 * What a message's content becomes when it is stored, and how long it is. Shared by the
 * messages service (which enforces it) and the browser (whose counter must count exactly
 * what the server will store), so this file holds pure functions only: no Node imports.
 */
export const MAX_CONTENT_LENGTH = 480;

const LINE_BREAK = /\r\n|\r|\n/;
// Unicode's White_Space, not JavaScript's \s: that one leaves out NEL (U+0085) and
// counts the zero-width no-break space (U+FEFF), which is a format character.
const INDENTATION = /^\p{White_Space}*/u;
const WHITE_SPACE_RUN = /\p{White_Space}+/gu;
// Nothing but white space and format characters (zero-width space, joiners, BOM...):
// such a message would show as an empty bubble.
const INVISIBLE = /^[\p{White_Space}\p{Cf}]*$/u;

/**
 * A message's content as stored. The formatting a person typed on purpose survives:
 * - each line keeps its leading indentation as typed;
 * - after it, runs of white space become one space, and white space at the line's end goes;
 * - a line of nothing but white space is blank, and runs of blank lines become one
 *   (so at most two line breaks in a row);
 * - the message is trimmed at both ends (blank lines, and the first line's indentation).
 * Line ends (CRLF, CR, LF) become "\n".
 */
export function normaliseContent(raw: string): string {
  const lines: string[] = [];
  for (const line of raw.split(LINE_BREAK)) {
    const indentation = INDENTATION.exec(line)?.[0] ?? '';
    const text = line.slice(indentation.length).replace(WHITE_SPACE_RUN, ' ').replace(/ $/, '');
    const kept = text ? indentation + text : '';
    // A blank line only between two lines of text, and one at most.
    if (kept || (lines.length > 0 && lines.at(-1) !== '')) lines.push(kept);
  }
  if (lines.at(-1) === '') lines.pop();
  if (lines[0] !== undefined) lines[0] = lines[0].slice(INDENTATION.exec(lines[0])?.[0].length ?? 0);
  return lines.join('\n');
}

/** True when the content has something to see: not empty, not only zero-width characters. */
export function hasVisibleContent(content: string): boolean {
  return !INVISIBLE.test(content);
}

/** Length in Unicode code points, as PostgreSQL's varchar(480) counts it (480 emoji fit). */
export function contentLength(content: string): number {
  return [...content].length;
}
