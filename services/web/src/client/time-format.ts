/**
 * Times as people read them in a chat, in the browser's locale (24 h or 12 h as the
 * locale has it): "now" for the first minute, then the time of day; days as "Today",
 * "Yesterday", then dates; when someone was last seen, in minutes while it is recent.
 */
const MINUTE_MS = 60_000;
const HOUR_MS = 60 * MINUTE_MS;

const timeOfDay = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });
const weekday = new Intl.DateTimeFormat(undefined, { weekday: 'long' });
const shortDate = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short' });
const longDate = new Intl.DateTimeFormat(undefined, { weekday: 'long', day: 'numeric', month: 'long' });
const dateWithYear = new Intl.DateTimeFormat(undefined, { day: 'numeric', month: 'short', year: 'numeric' });
const fullDateTime = new Intl.DateTimeFormat(undefined, { dateStyle: 'full', timeStyle: 'short' });

function startOfDay(time: number): number {
  const day = new Date(time);
  day.setHours(0, 0, 0, 0);
  return day.getTime();
}

/** Whole calendar days between `time` and `now` in local time (0 today, 1 yesterday). */
function daysAgo(time: number, now: number): number {
  return Math.round((startOfDay(now) - startOfDay(time)) / 86_400_000);
}

/** A message's time: "now" in its first minute, then the time of day. */
export function formatMessageTime(iso: string, now = Date.now()): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return '';
  return now - time < MINUTE_MS ? 'now' : timeOfDay.format(time);
}

/** A conversation row's time: "now", the time today, "Yesterday", a weekday this week, then a date. */
export function formatListTime(iso: string, now = Date.now()): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return '';
  if (now - time < MINUTE_MS) return 'now';
  const days = daysAgo(time, now);
  if (days <= 0) return timeOfDay.format(time);
  if (days === 1) return 'Yesterday';
  if (days < 7) return weekday.format(time);
  return new Date(time).getFullYear() === new Date(now).getFullYear()
    ? shortDate.format(time)
    : dateWithYear.format(time);
}

/** A day separator's label: "Today", "Yesterday", then the date (with the year when not this year's). */
export function formatDay(iso: string, now = Date.now()): string {
  const time = Date.parse(iso);
  const days = daysAgo(time, now);
  if (days <= 0) return 'Today';
  if (days === 1) return 'Yesterday';
  return new Date(time).getFullYear() === new Date(now).getFullYear()
    ? longDate.format(time)
    : dateWithYear.format(time);
}

/**
 * When someone was last seen: "last seen just now" in the first minute, "last seen 5 min
 * ago" in the first hour, then "today at 14:05", "yesterday at 14:05", and a date.
 */
export function formatLastSeen(iso: string, now = Date.now()): string {
  const time = Date.parse(iso);
  if (Number.isNaN(time)) return '';
  const ago = Math.max(0, now - time);
  if (ago < MINUTE_MS) return 'last seen just now';
  if (ago < HOUR_MS) return `last seen ${Math.floor(ago / MINUTE_MS)} min ago`;
  const days = daysAgo(time, now);
  if (days <= 0) return `last seen today at ${timeOfDay.format(time)}`;
  if (days === 1) return `last seen yesterday at ${timeOfDay.format(time)}`;
  const date =
    new Date(time).getFullYear() === new Date(now).getFullYear() ? shortDate.format(time) : dateWithYear.format(time);
  return `last seen ${date}`;
}

/** The local calendar day of a time, to tell where a day separator goes. */
export function dayKey(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

type TimeStyle = 'message' | 'list' | 'last-seen';
const FORMATS: Record<TimeStyle, (iso: string) => string> = {
  message: formatMessageTime,
  list: formatListTime,
  'last-seen': formatLastSeen,
};

/** A <time> that keeps itself current (see startTimeTicker), with the full date as its tooltip. */
export function timeElement(iso: string, style: TimeStyle): HTMLTimeElement {
  const time = document.createElement('time');
  time.dateTime = iso;
  time.dataset.style = style;
  time.title = fullDateTime.format(Date.parse(iso));
  time.textContent = FORMATS[style](iso);
  return time;
}

/**
 * Refreshes every such time on the page twice a minute ("now" turns into a time, "5 min
 * ago" into "6 min ago"); one timer for all.
 */
export function startTimeTicker(intervalMs = 30_000): () => void {
  const timer = setInterval(() => {
    document.querySelectorAll<HTMLTimeElement>('time[data-style]').forEach((time) => {
      const format = FORMATS[time.dataset.style as TimeStyle];
      if (format) time.textContent = format(time.dateTime);
    });
  }, intervalMs);
  return () => clearInterval(timer);
}
