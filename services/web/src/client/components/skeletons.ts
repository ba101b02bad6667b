import { el } from '../dom';

// Widths vary by position in styles.css (CSP allows no inline style attributes).

/** Grey shapes where conversations will be, while the first page loads (hidden from screen readers, which hear aria-busy). */
export function conversationSkeletons(count = 6): HTMLElement {
  const rows = Array.from({ length: count }, () =>
    el(
      'div',
      { class: 'skeleton-row' },
      el('span', { class: 'skeleton skeleton-avatar' }),
      el(
        'span',
        { class: 'skeleton-lines' },
        el('span', { class: 'skeleton skeleton-line' }),
        el('span', { class: 'skeleton skeleton-line' }),
      ),
    ),
  );
  return el('div', { class: 'skeletons', 'aria-hidden': 'true' }, ...rows);
}

/** Grey bubbles where messages will be, while the conversation loads. */
export function messageSkeletons(): HTMLElement {
  return el(
    'div',
    { class: 'skeletons message-skeletons', 'aria-hidden': 'true' },
    ...Array.from({ length: 5 }, (_, i) => el('span', { class: `skeleton skeleton-bubble${i % 2 ? ' mine' : ''}` })),
  );
}
