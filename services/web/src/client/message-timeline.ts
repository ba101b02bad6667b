import { daySeparator, messageItem, type OutgoingItem } from './components/message-item';
import { dayKey, formatDay } from './time-format';
import type { Message, User } from '#libs/contract';
import { compareMessages } from './ordering';

// Messages from one sender this close together form a group (one avatar, tight spacing).
const GROUP_MS = 5 * 60_000;

/**
 * The message list's content: messages by id in (createdAt, id) order whatever order
 * they arrive in, a day separator before each day's first message, consecutive
 * messages from one sender grouped, and my messages still on their way at the end.
 * The DOM is brought in line by moving only what is out of place, so a focused
 * button or link inside a message keeps its focus.
 */
export function createTimeline(list: HTMLOListElement, me: User) {
  const messages: Message[] = [];
  const nodes = new Map<string, HTMLLIElement>();
  const days = new Map<string, HTMLLIElement>();
  let outgoing: OutgoingItem[] = [];
  let other: User = { id: '', username: '', avatarUrl: null };

  function separator(iso: string): HTMLLIElement {
    const key = dayKey(iso);
    let node = days.get(key);
    if (!node) days.set(key, (node = daySeparator('')));
    // Relabelled on every sync: "Today" becomes "Yesterday" at midnight.
    (node.firstElementChild as HTMLElement).textContent = formatDay(iso);
    return node;
  }

  function sync() {
    const desired: HTMLElement[] = [];
    let day: string | undefined;
    let previous: { mine: boolean; at: number } | undefined;
    const place = (node: HTMLElement, mine: boolean, iso: string) => {
      const key = dayKey(iso);
      if (key !== day) {
        desired.push(separator(iso));
        day = key;
        previous = undefined;
      }
      const at = Date.parse(iso);
      node.classList.toggle('continued', !!previous && previous.mine === mine && at - previous.at < GROUP_MS);
      desired.push(node);
      previous = { mine, at };
    };
    for (const message of messages) place(nodes.get(message.id) as HTMLLIElement, message.mine, message.createdAt);
    const now = new Date().toISOString();
    for (const item of outgoing) place(item.element, true, now);

    desired.forEach((node, index) => {
      if (list.children[index] !== node) list.insertBefore(node, list.children[index] ?? null);
    });
    while (list.children.length > desired.length) list.lastElementChild?.remove();
  }

  return {
    /** The other participant, for the avatars and hidden names of their messages. */
    setOther(user: User) {
      other = user;
    },

    /** Adds the messages not there yet; returns those it added. */
    add(batch: Message[]): Message[] {
      const added: Message[] = [];
      for (const message of batch) {
        if (nodes.has(message.id)) continue;
        let index = messages.length;
        while (index > 0 && compareMessages(messages[index - 1] as Message, message) > 0) index -= 1;
        messages.splice(index, 0, message);
        nodes.set(message.id, messageItem(message, message.mine ? me : other));
        added.push(message);
      }
      if (added.length > 0) sync();
      return added;
    },

    setOutgoing(items: OutgoingItem[]) {
      outgoing = items;
      sync();
    },

    node: (messageId: string) => nodes.get(messageId),
    oldest: () => messages[0],
    newest: () => messages.at(-1),
    newestFromOther: () => messages.findLast((message) => !message.mine),
    get size() {
      return messages.length + outgoing.length;
    },
  };
}

export type Timeline = ReturnType<typeof createTimeline>;
