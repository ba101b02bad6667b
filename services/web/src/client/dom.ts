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
 * An async function as an event listener or timer callback. The DOM ignores what a
 * listener returns, so a rejection would go unnoticed: each handler here catches its
 * own errors and shows them, and this marks the promise as deliberately not awaited.
 */
export function detached<A extends unknown[]>(handler: (...args: A) => Promise<void>): (...args: A) => void {
  return (...args) => void handler(...args);
}
