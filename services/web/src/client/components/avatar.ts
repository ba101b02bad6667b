import { el } from '../dom';
import type { User } from '../types';

/** The user's picture when it is an http(s) URL, otherwise their initial. */
export function avatar(user: User, size: 'small' | 'large' = 'small'): HTMLElement {
  const url = safeImageUrl(user.avatarUrl);
  if (url) {
    const image = el('img', {
      class: `avatar avatar-${size}`,
      alt: '',
      width: size === 'small' ? 32 : 40,
      height: size === 'small' ? 32 : 40,
    });
    image.src = url;
    image.referrerPolicy = 'no-referrer';
    return image;
  }
  const initial = Array.from(user.username)[0]?.toUpperCase() ?? '?';
  return el('span', { class: `avatar avatar-${size} avatar-initial`, 'aria-hidden': 'true' }, initial);
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
