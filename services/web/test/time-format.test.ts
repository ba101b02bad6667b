import { dayKey, formatDay, formatLastSeen, formatListTime, formatMessageTime } from '../src/client/time-format';

// Local times, so the expectations hold in any time zone the tests run in.
const now = new Date(2026, 0, 10, 12, 0, 0).getTime();
const at = (day: number, hour: number, minute = 0, second = 0) =>
  new Date(2026, 0, day, hour, minute, second).toISOString();
const clock = new Intl.DateTimeFormat(undefined, { hour: 'numeric', minute: '2-digit' });

describe('Times in a conversation', () => {
  test('When a message is less than a minute old, then it reads "now"; after that, the time of day in the locale', () => {
    expect(formatMessageTime(at(10, 11, 59, 10), now)).toBe('now');
    expect(formatMessageTime(at(10, 11, 58, 30), now)).toBe(clock.format(Date.parse(at(10, 11, 58, 30))));
    expect(formatMessageTime('not a date', now)).toBe('');
  });

  test('When a conversation was active today, yesterday, this week or earlier, then the list reads the time, "Yesterday", a weekday or a date', () => {
    expect(formatListTime(at(10, 11, 59, 30), now)).toBe('now');
    expect(formatListTime(at(10, 8), now)).toBe(clock.format(Date.parse(at(10, 8))));
    expect(formatListTime(at(9, 23), now)).toBe('Yesterday');
    expect(formatListTime(at(6, 9), now)).toBe(
      new Intl.DateTimeFormat(undefined, { weekday: 'long' }).format(Date.parse(at(6, 9))),
    );
    expect(formatListTime(at(1, 9), now)).not.toMatch(/Yesterday|now/);
  });

  test('When messages are from today, yesterday or before, then day separators read "Today", "Yesterday", then dates', () => {
    expect(formatDay(at(10, 0, 1), now)).toBe('Today');
    expect(formatDay(at(9, 23, 59), now)).toBe('Yesterday');
    expect(formatDay(at(2, 12), now)).toContain('2');
    expect(formatDay(new Date(2025, 11, 31, 12).toISOString(), now)).toContain('2025');
    expect(dayKey(at(10, 0, 1))).toBe(dayKey(at(10, 23, 59)));
    expect(dayKey(at(10, 0, 1))).not.toBe(dayKey(at(9, 23, 59)));
  });

  test('When someone was last seen, then it reads "just now", minutes in the first hour, then today or yesterday at a time, then a date', () => {
    expect(formatLastSeen(at(10, 11, 59, 30), now)).toBe('last seen just now');
    expect(formatLastSeen(at(10, 11, 55), now)).toBe('last seen 5 min ago');
    expect(formatLastSeen(at(10, 11, 0, 1), now)).toBe('last seen 59 min ago');
    expect(formatLastSeen(at(10, 8), now)).toBe(`last seen today at ${clock.format(Date.parse(at(10, 8)))}`);
    expect(formatLastSeen(at(9, 23), now)).toBe(`last seen yesterday at ${clock.format(Date.parse(at(9, 23)))}`);
    const old = formatLastSeen(at(2, 9), now);
    expect(old).toMatch(/^last seen /);
    expect(old).toContain('2');
    expect(old).not.toMatch(/today|yesterday|ago/);
    expect(formatLastSeen(new Date(2025, 5, 1, 12).toISOString(), now)).toContain('2025');
    // A clock a little behind the server's never reads "in the future".
    expect(formatLastSeen(at(10, 12, 0, 5), now)).toBe('last seen just now');
    expect(formatLastSeen('not a date', now)).toBe('');
  });
});
