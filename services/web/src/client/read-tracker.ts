/**
 * Says when the newest message from the other participant is actually being seen: on
 * screen in the message list (at least half of it, or half the list's height for a
 * long one) in a tab that is visible. Only then does the page mark the conversation
 * read, so "Seen" never comes while the reader is scrolled far up or away.
 */
export function createReadTracker(scroller: HTMLElement, onSeen: () => void) {
  let watched: Element | undefined;
  let onScreen = false;
  let pending = false;

  const observer = new IntersectionObserver(
    (entries) => {
      for (const entry of entries) {
        if (entry.target !== watched) continue;
        const rootHeight = entry.rootBounds?.height ?? 0;
        onScreen =
          entry.isIntersecting && (entry.intersectionRatio >= 0.5 || entry.intersectionRect.height >= rootHeight / 2);
      }
      check();
    },
    { root: scroller, threshold: [0, 0.5, 1] },
  );

  function check() {
    if (!pending || !onScreen || document.visibilityState !== 'visible') return;
    pending = false;
    onSeen();
  }

  document.addEventListener('visibilitychange', check);

  return {
    /** The newest message from the other participant (it changes as messages arrive). */
    watch(element: Element | undefined) {
      if (element === watched) return;
      if (watched) observer.unobserve(watched);
      watched = element;
      onScreen = false;
      if (element) observer.observe(element);
    },
    /** There is something unread: report it once it is seen. */
    expect() {
      pending = true;
      check();
    },
    stop() {
      observer.disconnect();
      document.removeEventListener('visibilitychange', check);
    },
  };
}
