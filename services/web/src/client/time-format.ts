/**
 * Times as people read them in a chat, in the browser's locale (24 h or 12 h as the
 * locale has it): "now" for the first minute, then the time of day; days as "Today",
 * "Yesterday", then dates.
 */
const MINUTE_MS = 60_000;

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

/** The local calendar day of a time, to tell where a day separator goes. */
export function dayKey(iso: string): string {
  const date = new Date(iso);
  return `${date.getFullYear()}-${date.getMonth()}-${date.getDate()}`;
}

type TimeStyle = 'message' | 'list';
const FORMATS: Record<TimeStyle, (iso: string) => string> = { message: formatMessageTime, list: formatListTime };

/** A <time> that keeps itself current (see startTimeTicker), with the full date as its tooltip. */
export function timeElement(iso: string, style: TimeStyle): HTMLTimeElement {
  const time = document.createElement('time');
  time.dateTime = iso;
  time.dataset.style = style;
  time.title = fullDateTime.format(Date.parse(iso));
  time.textContent = FORMATS[style](iso);
  return time;
}

/** Refreshes every such time on the page twice a minute ("now" turns into a time); one timer for all. */
export function startTimeTicker(intervalMs = 30_000): () => void {
  const timer = setInterval(() => {
    document.querySelectorAll<HTMLTimeElement>('time[data-style]').forEach((time) => {
      const format = FORMATS[time.dataset.style as TimeStyle];
      if (format) time.textContent = format(time.dateTime);
    });
  }, intervalMs);
  return () => clearInterval(timer);
}
