import { dayKey, formatDay, formatListTime, formatMessageTime } from '../src/client/time-format';

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
});
