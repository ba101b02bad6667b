import { MAX_CONTENT_LENGTH, contentLength, hasVisibleContent, normaliseContent } from '#libs/contract';
import { el } from '../dom';

// The counter shows from here on: far from the limit it is only noise.
const COUNTER_FROM = MAX_CONTENT_LENGTH - 80;
const MAX_HEIGHT_PX = 176;

/**
 * The message box: a textarea that grows with its text (up to about eight lines), a
 * counter that appears near the limit and counts exactly what the server will store
 * (the shared normaliser: spaces the server collapses are not counted), and Send.
 * Enter sends, Shift+Enter starts a new line. `onSend` gets the content as it will be
 * stored; the box empties itself.
 */
export function createComposer(options: {
  initial: string;
  onSend(content: string): void;
  onDraft(text: string): void;
  /** The person changed the text (typing, pasting, deleting): not a draft restored or the box emptied on send. */
  onInput?(text: string): void;
}) {
  const textarea = el('textarea', {
    id: 'message-input',
    name: 'content',
    rows: 1,
    placeholder: 'Message…',
    'aria-describedby': 'message-counter message-error',
  });
  textarea.value = options.initial;
  const counter = el('span', { id: 'message-counter', class: 'counter', hidden: true });
  const error = el('p', { id: 'message-error', class: 'field-error', role: 'alert' });
  const sendButton = el('button', { type: 'submit', class: 'send' }, 'Send');
  const form = el(
    'form',
    { class: 'composer' },
    el('label', { for: 'message-input', class: 'visually-hidden' }, 'Message'),
    el('div', { class: 'composer-row' }, el('div', { class: 'composer-field' }, textarea, counter), sendButton),
    error,
  );

  function length(): number {
    return contentLength(normaliseContent(textarea.value));
  }

  function update() {
    const count = length();
    counter.hidden = count < COUNTER_FROM;
    counter.textContent = `${count}/${MAX_CONTENT_LENGTH}`;
    counter.classList.toggle('over', count > MAX_CONTENT_LENGTH);
    // Grow with the text: measure at the smallest height, then take what it needs.
    textarea.style.height = 'auto';
    textarea.style.height = `${Math.min(textarea.scrollHeight + 2, MAX_HEIGHT_PX)}px`;
  }

  textarea.addEventListener('input', () => {
    error.textContent = '';
    update();
    options.onDraft(textarea.value);
    options.onInput?.(textarea.value);
  });
  textarea.addEventListener('keydown', (event) => {
    if (event.key === 'Enter' && !event.shiftKey && !event.isComposing) {
      event.preventDefault();
      form.requestSubmit();
    }
  });
  form.addEventListener('submit', (event) => {
    event.preventDefault();
    const content = normaliseContent(textarea.value);
    if (!textarea.value) return;
    if (!hasVisibleContent(content)) {
      error.textContent = 'Write something first.';
      return;
    }
    const over = contentLength(content) - MAX_CONTENT_LENGTH;
    if (over > 0) {
      error.textContent = `This message is ${over} character${over === 1 ? '' : 's'} too long (at most ${MAX_CONTENT_LENGTH}).`;
      return;
    }
    error.textContent = '';
    textarea.value = '';
    update();
    options.onDraft('');
    options.onSend(content);
    textarea.focus();
  });

  return {
    element: form,
    textarea,
    /** Called once the form is in the document (its height depends on layout). */
    ready: update,
    setPlaceholder(text: string) {
      textarea.placeholder = text;
    },
    /** A refused message comes back into an empty box, with the reason. */
    restore(content: string, reason: string) {
      if (!textarea.value) {
        textarea.value = content;
        update();
        options.onDraft(content);
      }
      error.textContent = reason;
    },
    focus: () => textarea.focus(),
  };
}

export type Composer = ReturnType<typeof createComposer>;
