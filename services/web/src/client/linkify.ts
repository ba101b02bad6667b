/**
 * Splits message text into plain text and links. Only http and https URLs become
 * links (never javascript:, data: or anything else), and the caller renders both
 * kinds with text nodes, so the text itself can never become markup.
 */
export type TextPart = { kind: 'text'; text: string } | { kind: 'link'; text: string; href: string };

const URL_CANDIDATE = /\bhttps?:\/\/[^\s<>"]+/gi;
// Punctuation that usually ends the sentence rather than the URL.
const TRAILING = /[.,;:!?)\]}'"]+$/;

export function splitLinks(text: string): TextPart[] {
  const parts: TextPart[] = [];
  let last = 0;
  for (const match of text.matchAll(URL_CANDIDATE)) {
    const start = match.index ?? 0;
    const raw = match[0].replace(TRAILING, '');
    const href = safeHref(raw);
    if (!href) continue;
    if (start > last) parts.push({ kind: 'text', text: text.slice(last, start) });
    parts.push({ kind: 'link', text: raw, href });
    last = start + raw.length;
  }
  if (last < text.length) parts.push({ kind: 'text', text: text.slice(last) });
  return parts;
}

function safeHref(raw: string): string | undefined {
  try {
    const url = new URL(raw);
    return url.protocol === 'http:' || url.protocol === 'https:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}

/** The message text as DOM nodes: text nodes, and anchors that open in a new tab without access to this one. */
export function renderLinkified(text: string): DocumentFragment {
  const fragment = document.createDocumentFragment();
  for (const part of splitLinks(text)) {
    if (part.kind === 'text') {
      fragment.appendChild(document.createTextNode(part.text));
      continue;
    }
    const anchor = document.createElement('a');
    anchor.href = part.href;
    anchor.textContent = part.text;
    anchor.target = '_blank';
    anchor.rel = 'noopener noreferrer';
    fragment.appendChild(anchor);
  }
  return fragment;
}
