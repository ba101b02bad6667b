import { Redis } from 'ioredis';
import { createEventChannels } from './channels';
import { createPresenceStore, type PresenceStore } from './presence-store';

// The presence scripts against the shared Redis, under a prefix of this file's own.
const channels = createEventChannels(`test-presence-${process.pid}-${Date.now()}`);
let redis: Redis;
let store: PresenceStore;
let userSeq = 0;

beforeAll(() => {
  redis = new Redis(process.env.REDIS_URL ?? 'redis://127.0.0.1:6379');
  store = createPresenceStore(redis, channels);
});
afterAll(async () => {
  for (let id = 1; id <= userSeq; id++) {
    await redis.del(channels.userPresence(String(id)), channels.userWatchers(String(id)));
  }
  await redis.quit();
});

function newUser() {
  userSeq += 1;
  return String(userSeq);
}

const T = 1_800_000_000_000;
const iso = (ms: number) => new Date(ms).toISOString();

describe('presence store', () => {
  test('When a second instance joins and the first leaves, then only the first join and the last leave are transitions, each answered with the live watchers', async () => {
    const [user, watcher, expired] = [newUser(), newUser(), newUser()];
    await store.watch(watcher, user, T);
    await store.watch(expired, user, T - 120_000);
    const online = await store.update('a', [{ userId: user, aliveUntil: T + 30_000 }], T);
    expect(online).toEqual([{ state: { userId: user, online: true, lastSeenAt: null }, watchers: [watcher] }]);
    expect(await store.update('b', [{ userId: user, aliveUntil: T + 30_000 }], T + 1)).toEqual([]);
    expect(await store.update('a', [{ userId: user, aliveUntil: 0 }], T + 2)).toEqual([]);
    expect((await store.read([user], T + 3)).get(user)).toEqual({ userId: user, online: true, lastSeenAt: null });
    const offline = await store.update('b', [{ userId: user, aliveUntil: 0 }], T + 4);
    expect(offline).toEqual([{ state: { userId: user, online: false, lastSeenAt: iso(T + 4) }, watchers: [watcher] }]);
    expect((await store.read([user], T + 5)).get(user)).toEqual({
      userId: user,
      online: false,
      lastSeenAt: iso(T + 4),
    });
  });

  test('When an instance stops refreshing, then its entry lapses: the user reads offline, last seen at its alive-until, which the next write keeps', async () => {
    const [user, other] = [newUser(), newUser()];
    await store.update('dead', [{ userId: user, aliveUntil: T + 30_000 }], T);
    expect((await store.read([user], T + 29_999)).get(user)!.online).toBe(true);
    expect((await store.read([user, other], T + 30_001)).get(user)).toEqual({
      userId: user,
      online: false,
      lastSeenAt: iso(T + 30_000),
    });
    expect((await store.read([other], T)).get(other)).toEqual({ userId: other, online: false, lastSeenAt: null });
    // Another instance comes and goes later: the lapsed entry is folded into `seen` on the way.
    await store.update('live', [{ userId: user, aliveUntil: T + 90_000 }], T + 60_000);
    expect(await redis.zrange(channels.userPresence(user), '0', '-1')).toEqual(['seen', 'live']);
    await store.update('live', [{ userId: user, aliveUntil: 0 }], T + 70_000);
    expect((await store.read([user], T + 70_001)).get(user)!.lastSeenAt).toBe(iso(T + 70_000));
  });

  test('When one update writes more users than one script call takes, then every user is written and every transition answered, each with its own watchers', async () => {
    const users = Array.from({ length: 250 }, () => newUser());
    const watchers = users.map(() => newUser());
    for (const [i, user] of users.entries()) await store.watch(watchers[i]!, user, T);
    const online = await store.update(
      'many',
      users.map((userId) => ({ userId, aliveUntil: T + 30_000 })),
      T,
    );
    expect(online).toEqual(
      users.map((userId, i) => ({ state: { userId, online: true, lastSeenAt: null }, watchers: [watchers[i]] })),
    );
    const states = await store.read(users, T + 1);
    expect([...states.values()].every((state) => state.online)).toBe(true);
    // Already online: refreshing is no transition.
    expect(
      await store.update(
        'many',
        users.map((userId) => ({ userId, aliveUntil: T + 60_000 })),
        T + 2,
      ),
    ).toEqual([]);
  });

  test('When one update holds a join and then a leave of the same user, then they apply in that order: online, then offline', async () => {
    const [user, watcher] = [newUser(), newUser()];
    await store.watch(watcher, user, T);
    const transitions = await store.update(
      'flicker',
      [
        { userId: user, aliveUntil: T + 30_000 },
        { userId: user, aliveUntil: 0 },
      ],
      T,
    );
    expect(transitions).toEqual([
      { state: { userId: user, online: true, lastSeenAt: null }, watchers: [watcher] },
      { state: { userId: user, online: false, lastSeenAt: iso(T) }, watchers: [watcher] },
    ]);
  });

  test('When a refresh comes after the entry lapsed (a stalled instance), then the user goes online again and the watchers are told', async () => {
    const [user, watcher] = [newUser(), newUser()];
    await store.update('slow', [{ userId: user, aliveUntil: T + 1000 }], T);
    await store.watch(watcher, user, T + 2000);
    expect(await store.update('slow', [{ userId: user, aliveUntil: T + 3000 }], T + 2000)).toEqual([
      { state: { userId: user, online: true, lastSeenAt: null }, watchers: [watcher] },
    ]);
  });
});
