import type { Page } from 'playwright-core';

/**
 * Init scripts for things a headless browser cannot do by itself: hide its tab, and
 * show what desktop notifications it was asked to show.
 */

// `document.visibilityState` under the test's control: `setTabHidden(page, true)` is a tab in the background.
export const CONTROLLABLE_VISIBILITY = `(() => {
  let hidden = false;
  Object.defineProperty(Document.prototype, 'visibilityState', { configurable: true, get: () => (hidden ? 'hidden' : 'visible') });
  Object.defineProperty(Document.prototype, 'hidden', { configurable: true, get: () => hidden });
  window.__setTabHidden = (value) => {
    hidden = value;
    document.dispatchEvent(new Event('visibilitychange'));
  };
})();`;

// Records every Notification constructed (title, body, tag) and then shows it as the browser would, when it can.
export const NOTIFICATION_SPY = `(() => {
  const Real = window.Notification;
  window.__notifications = [];
  window.Notification = new Proxy(Real, {
    construct(target, args) {
      window.__notifications.push({ title: args[0], body: args[1] && args[1].body, tag: args[1] && args[1].tag });
      try {
        return new target(...args);
      } catch {
        return { close() {}, set onclick(_) {} };
      }
    },
  });
})();`;

export async function setTabHidden(page: Page, hidden: boolean): Promise<void> {
  await page.evaluate(
    (value) => (window as unknown as { __setTabHidden(v: boolean): void }).__setTabHidden(value),
    hidden,
  );
}

export function notificationsShown(page: Page): Promise<{ title: string; body: string; tag: string }[]> {
  return page.evaluate(
    () => (window as unknown as { __notifications: { title: string; body: string; tag: string }[] }).__notifications,
  );
}
