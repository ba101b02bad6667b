import { PRESENCE_WATCH_TTL_MS, type PresenceState } from '#libs/contract';
import { ApiError, type ApiClient } from '../src/client/api-client';
import { watchPresence } from '../src/client/presence-watch';

const online = (userId: string): PresenceState => ({ userId, online: true, lastSeenAt: null });

/** An API whose watch answers are resolved (or refused) by the test, in any order. */
function fakeApi() {
  const pending: { resolve(state: PresenceState): void; reject(error: unknown): void }[] = [];
  const api = {
    watchPresence: () =>
      new Promise<PresenceState>((resolve, reject) => {
        pending.push({ resolve, reject });
      }),
  } as unknown as ApiClient;
  return { api, pending };
}

// Lets the awaits inside the watch run (setImmediate is left real by the fake timers below).
const settle = () => new Promise<void>((resolve) => setImmediate(resolve));

describe("Watching the open conversation's partner", () => {
  beforeEach(() => jest.useFakeTimers({ doNotFake: ['setImmediate'] }));
  afterEach(() => jest.useRealTimers());

  test('When a conversation opens, then the watch is asked at once and renewed every half of its lifetime until the page stops it', async () => {
    const { api, pending } = fakeApi();
    const states: PresenceState[] = [];
    const watch = watchPresence(api, '7', { state: (state) => states.push(state), off: () => {} });
    expect(pending).toHaveLength(1);
    pending[0]?.resolve(online('2'));
    await settle();
    expect(states).toEqual([online('2')]);
    jest.advanceTimersByTime(PRESENCE_WATCH_TTL_MS / 2);
    expect(pending).toHaveLength(2);
    watch.stop();
    jest.advanceTimersByTime(PRESENCE_WATCH_TTL_MS * 2);
    expect(pending).toHaveLength(2);
  });

  test('When an older answer comes back after a newer one (a renewal after a reconnect), then only the newer counts', async () => {
    const { api, pending } = fakeApi();
    const states: PresenceState[] = [];
    const watch = watchPresence(api, '7', { state: (state) => states.push(state), off: () => {} });
    watch.renew();
    pending[1]?.resolve({ userId: '2', online: false, lastSeenAt: '2026-01-10T12:00:00.000Z' });
    await settle();
    pending[0]?.resolve(online('2'));
    await settle();
    expect(states).toEqual([{ userId: '2', online: false, lastSeenAt: '2026-01-10T12:00:00.000Z' }]);
    watch.stop();
  });

  test('When the server answers 404 presence_off, then the page is told to show nothing and the watch is not renewed', async () => {
    const { api, pending } = fakeApi();
    let off = 0;
    watchPresence(api, '7', { state: () => {}, off: () => (off += 1) });
    pending[0]?.reject(new ApiError(404, 'presence_off', 'Presence is off'));
    await settle();
    expect(off).toBe(1);
    jest.advanceTimersByTime(PRESENCE_WATCH_TTL_MS * 2);
    expect(pending).toHaveLength(1);
  });

  test('When a renewal fails for another reason (offline, 503), then the next one still happens', async () => {
    const { api, pending } = fakeApi();
    let off = 0;
    const watch = watchPresence(api, '7', { state: () => {}, off: () => (off += 1) });
    pending[0]?.reject(new ApiError(0, 'network', 'Cannot reach the server.'));
    await settle();
    jest.advanceTimersByTime(PRESENCE_WATCH_TTL_MS / 2);
    expect(pending).toHaveLength(2);
    expect(off).toBe(0);
    watch.stop();
  });
});
