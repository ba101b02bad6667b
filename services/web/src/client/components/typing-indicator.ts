import { el } from '../dom';

/** The words for someone typing, the same under the conversation and in the list. */
export function typingText(name: string): string {
  return `${name} is typing…`;
}

/**
 * "bob is typing…" under the open conversation. A polite live region that stays in the
 * page, empty while nobody types: its text is set only when someone starts or stops, so
 * a screen reader says it once, not at every notice.
 */
export function typingIndicator() {
  const element = el('p', { class: 'typing-indicator', 'aria-live': 'polite' });
  return {
    element,
    /** Who is typing (their name), or undefined when nobody is. */
    show(name: string | undefined): void {
      const text = name ? typingText(name) : '';
      if (element.textContent !== text) element.textContent = text;
    },
  };
}

export type TypingIndicator = ReturnType<typeof typingIndicator>;
