import { createHeartbeatWheel } from '../src/heartbeat-wheel';

describe('heartbeat wheel', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('When streams are added, then each is pinged once per interval, and a tick pings only its share', () => {
    const pings: number[][] = [];
    let tick: number[] = [];
    const wheel = createHeartbeatWheel<number>(1000, (item) => tick.push(item), 4);
    for (let i = 0; i < 100; i++) wheel.add(i);
    for (let t = 0; t < 8; t++) {
      jest.advanceTimersByTime(250);
      pings.push(tick);
      tick = [];
    }
    // Two full intervals: every stream pinged exactly twice, 25 per tick.
    expect(pings.map((p) => p.length)).toEqual([25, 25, 25, 25, 25, 25, 25, 25]);
    const counts = new Map<number, number>();
    for (const item of pings.flat()) counts.set(item, (counts.get(item) ?? 0) + 1);
    expect([...counts.values()].every((n) => n === 2)).toBe(true);
    expect(counts.size).toBe(100);
    // The same stream is pinged exactly one interval apart.
    expect(pings.findIndex((p) => p.includes(7)) + 4).toBe(pings.findLastIndex((p) => p.includes(7)));
    wheel.stop();
  });

  test('When a stream is removed, then it is never pinged again and nothing is held', () => {
    const pinged: string[] = [];
    const wheel = createHeartbeatWheel<string>(100, (item) => pinged.push(item));
    const slot = wheel.add('a');
    wheel.add('b');
    wheel.remove('a', slot);
    jest.advanceTimersByTime(300);
    expect(pinged).not.toContain('a');
    expect(pinged).toContain('b');
    expect(wheel.size()).toBe(1);
    wheel.stop();
  });

  test('When a tick has pinged its group, then afterTick runs with that slot, every slot once per interval', () => {
    const seen: string[] = [];
    const wheel = createHeartbeatWheel<number>(
      1000,
      (item) => seen.push(`ping ${item}`),
      4,
      (slot) => seen.push(`after ${slot}`),
    );
    expect(wheel.slots).toBe(4);
    for (let i = 0; i < 4; i++) wheel.add(i);
    jest.advanceTimersByTime(2000);
    expect(seen).toEqual([0, 1, 2, 3, 0, 1, 2, 3].flatMap((slot) => [`ping ${slot}`, `after ${slot}`]));
    wheel.stop();
  });
});
