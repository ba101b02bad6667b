import { el } from '../dom';
import type { User } from '#libs/contract';

// Each keeps white text at 4.5:1 or more (WCAG AA), in light and dark mode alike.
const COLOURS = ['#1d4ed8', '#047857', '#b91c1c', '#7e22ce', '#c2410c', '#0f766e', '#be185d', '#4338ca', '#a16207'];

/** A user's colour: the same on every page and every device, from their id alone. */
export function avatarColour(userId: string): string {
  let hash = 0;
  for (const char of userId) hash = (hash * 31 + char.charCodeAt(0)) >>> 0;
  return COLOURS[hash % COLOURS.length] as string;
}

export type AvatarSize = 'small' | 'medium' | 'large';
const PIXELS: Record<AvatarSize, number> = { small: 28, medium: 44, large: 72 };

/** The user's picture when it is an http(s) URL, otherwise their initial on their colour. Decorative: names are always beside it. */
export function avatar(user: User, size: AvatarSize = 'medium'): HTMLElement {
  const url = safeImageUrl(user.avatarUrl);
  if (url) {
    const image = el('img', { class: `avatar avatar-${size}`, alt: '', width: PIXELS[size], height: PIXELS[size] });
    image.src = url;
    image.referrerPolicy = 'no-referrer';
    return image;
  }
  const initial = Array.from(user.username)[0]?.toUpperCase() ?? '?';
  const node = el('span', { class: `avatar avatar-${size} avatar-initial`, 'aria-hidden': 'true' }, initial);
  node.style.setProperty('--avatar-colour', avatarColour(user.id));
  return node;
}

function safeImageUrl(value: string | null): string | undefined {
  if (!value) return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'https:' || url.protocol === 'http:' ? url.href : undefined;
  } catch {
    return undefined;
  }
}
