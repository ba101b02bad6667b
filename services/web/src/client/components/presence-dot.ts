import { el } from '../dom';

/**
 * The dot on an avatar in the list for a partner known to be online. Its text
 * alternative says it too ("online"), since a colour alone tells a screen reader nothing.
 */
export function presenceDot(): HTMLElement {
  return el('span', { class: 'presence-dot', role: 'img', 'aria-label': 'online', title: 'Online' });
}
