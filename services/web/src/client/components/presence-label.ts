import { el } from '../dom';
import { timeElement } from '../time-format';
import type { Participant } from '#libs/contract';

/**
 * The line under the conversation's name: "Online", or "last seen 5 min ago" (a <time>
 * the page's ticker keeps current, with the full date as its tooltip). Nothing when
 * presence is off (the server sends no `online`) or the partner was never seen.
 */
export function presenceLabel() {
  const element = el('p', { class: 'presence-label', hidden: true });
  let shown = '';
  let off = false;
  return {
    element,
    show(participant: Pick<Participant, 'online' | 'lastSeenAt'> | undefined): void {
      if (off) return;
      const online = participant?.online;
      const lastSeenAt = participant?.lastSeenAt;
      const next = online ? 'online' : online === false && lastSeenAt ? `seen ${lastSeenAt}` : '';
      // Redrawn only on a change: the ticker keeps a shown "last seen" current by itself.
      if (next === shown) return;
      shown = next;
      element.hidden = !next;
      if (online) element.replaceChildren('Online');
      else if (next && lastSeenAt) element.replaceChildren(timeElement(lastSeenAt, 'last-seen'));
      else element.replaceChildren();
      element.classList.toggle('online', !!online);
    },
    /** Presence is off on the server: show nothing from now on. */
    off(): void {
      off = true;
      element.hidden = true;
      element.replaceChildren();
    },
  };
}

export type PresenceLabel = ReturnType<typeof presenceLabel>;
