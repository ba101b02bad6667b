/**
 * The one way this app builds DOM: strings become text nodes, never markup, so user
 * text (usernames, messages, avatar URLs) cannot turn into HTML. There is no
 * innerHTML anywhere in the client.
 */
type Child = Node | string | null | undefined | false;
type Props = Record<string, string | number | boolean | null | undefined | EventListener>;

export function el<K extends keyof HTMLElementTagNameMap>(
  tag: K,
  props: Props = {},
  ...children: Child[]
): HTMLElementTagNameMap[K] {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(props)) {
    if (value === undefined || value === null || value === false) continue;
    if (typeof value === 'function') node.addEventListener(name.replace(/^on/, ''), value);
    else if (value === true) node.setAttribute(name, '');
    else node.setAttribute(name, String(value));
  }
  append(node, ...children);
  return node;
}

export function append(parent: Node, ...children: Child[]): void {
  for (const child of children) {
    if (child === null || child === undefined || child === false) continue;
    parent.appendChild(typeof child === 'string' ? document.createTextNode(child) : child);
  }
}

export function clear(node: Node): void {
  while (node.firstChild) node.removeChild(node.firstChild);
}

/**
 * Makes `parent`'s children exactly `nodes`, in order, leaving the ones already in place
 * untouched: a re-render that keeps an element keeps a click on it. A click is a press and
 * a release on the same element; replacing the element in between (a live event re-rendering
 * a list) silently loses the click.
 */
export function reconcileChildren(parent: Node, nodes: readonly Node[]): void {
  // Leaving first, so that a kept node before which others are inserted never moves:
  // moving it (remove, insert) would lose a click as surely as replacing it.
  const kept = new Set(nodes);
  for (const child of Array.from(parent.childNodes)) if (!kept.has(child)) parent.removeChild(child);
  nodes.forEach((node, i) => {
    const current = parent.childNodes[i] ?? null;
    if (current !== node) parent.insertBefore(node, current);
  });
}

/**
 * An async function as an event listener or timer callback. The DOM ignores what a
 * listener returns, so a rejection would go unnoticed: each handler here catches its
 * own errors and shows them, and this marks the promise as deliberately not awaited.
 */
export function detached<A extends unknown[]>(handler: (...args: A) => Promise<void>): (...args: A) => void {
  return (...args) => void handler(...args);
}
