/** "now", "5m", "3h", "2d", then a date: short enough for a conversation list. */
export function formatRelative(iso: string, now = Date.now()): string {
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return '';
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 45) return 'now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes}m`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours}h`;
  const days = Math.round(hours / 24);
  if (days < 7) return `${days}d`;
  return new Date(then).toLocaleDateString();
}

/** A <time> that keeps itself current (see startRelativeTimeTicker). */
export function relativeTime(iso: string): HTMLTimeElement {
  const time = document.createElement('time');
  time.dateTime = iso;
  time.dataset.relative = 'true';
  time.title = new Date(iso).toLocaleString();
  time.textContent = formatRelative(iso);
  return time;
}

/** Refreshes every relative time on the page twice a minute; one timer for all of them. */
export function startRelativeTimeTicker(intervalMs = 30_000): () => void {
  const timer = setInterval(() => {
    document.querySelectorAll<HTMLTimeElement>('time[data-relative]').forEach((time) => {
      time.textContent = formatRelative(time.dateTime);
    });
  }, intervalMs);
  return () => clearInterval(timer);
}
