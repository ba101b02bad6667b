import { useMessagesApp, useTestDatabase } from '../../../test/support/messages/messages-app';
import {
  collectPages,
  loginUser,
  sendMessage,
  startConversation,
  type TestUser,
} from '../../../test/support/messages/messages-client';
import { byNewest, insertMessagesAt } from '../../../test/support/messages/messages-fixtures';

const { api } = useMessagesApp();
const db = useTestDatabase();
const ISO_8601 = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;

describe('POST /api/conversations', () => {
  test('When a user starts a conversation, then 201 with the other participant, no last message and nothing unread', async () => {
    const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
    const response = await api.post('/api/conversations', { token: alice.token, json: { username: bob.username } });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      createdAt: expect.stringMatching(ISO_8601),
      otherParticipant: { id: bob.id, username: bob.username, avatarUrl: null, online: false, lastSeenAt: null },
      lastMessage: null,
      hasUnreadMessages: false,
      unreadCount: 0,
      otherParticipantReadAt: expect.stringMatching(ISO_8601),
    });
  });

  test('When the pair already has a conversation, then 200 with the same id in both directions and any case', async () => {
    const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
    const created = await api.post('/api/conversations', { token: alice.token, json: { username: bob.username } });
    const again = await api.post('/api/conversations', {
      token: alice.token,
      json: { username: bob.username.toUpperCase() },
    });
    const reverse = await api.post('/api/conversations', { token: bob.token, json: { username: alice.username } });
    expect([created.status, again.status, reverse.status]).toEqual([201, 200, 200]);
    expect(again.body.id).toBe(created.body.id);
    expect(reverse.body.id).toBe(created.body.id);
    expect(reverse.body.otherParticipant.id).toBe(alice.id);
  });

  test('When both users start their conversation at once, many times in both directions, then there is one conversation', async () => {
    const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
    const responses = await Promise.all(
      Array.from({ length: 10 }, (_, i) =>
        i % 2
          ? api.post('/api/conversations', { token: alice.token, json: { username: bob.username } })
          : api.post('/api/conversations', { token: bob.token, json: { username: alice.username } }),
      ),
    );
    expect(responses.filter((r) => r.status === 201)).toHaveLength(1);
    expect(responses.filter((r) => r.status === 200)).toHaveLength(9);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    const [low, high] = [BigInt(alice.id), BigInt(bob.id)].sort((a, b) => (a < b ? -1 : 1));
    expect(await db.conversation.count({ where: { userLowId: low, userHighId: high } })).toBe(1);
    expect(await db.participant.count({ where: { conversationId: BigInt(responses[0]!.body.id) } })).toBe(2);
  });

  test('When the username is unknown, then 404', async () => {
    const alice = await loginUser(api);
    const response = await api.post('/api/conversations', {
      token: alice.token,
      json: { username: `${alice.username}x` },
    });
    expect(response.status).toBe(404);
    expect(response.body.error.code).toBe('user_not_found');
  });

  test('When a user starts a conversation with themselves (in any case), then 403', async () => {
    const alice = await loginUser(api);
    const response = await api.post('/api/conversations', {
      token: alice.token,
      json: { username: alice.username.toUpperCase() },
    });
    expect(response.status).toBe(403);
  });

  test.each([
    ['missing', {}],
    ['empty', { username: '' }],
    ['not a username', { username: 'a b%' }],
    ['not ASCII', { username: 'jürgen' }],
    ['not a string', { username: ['x'] }],
  ])('When the username is %s, then 422 with fields.username', async (_, json) => {
    const alice = await loginUser(api);
    const response = await api.post('/api/conversations', { token: alice.token, json });
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toEqual({ username: expect.any(String) });
  });

  test('When no token is sent, then 401', async () => {
    expect((await api.post('/api/conversations', { json: { username: 'x' } })).status).toBe(401);
  });
});

describe('GET /api/conversations/:id and /other_participant', () => {
  let alice: TestUser;
  let bob: TestUser;
  let carol: TestUser;
  let conversationId: string;

  beforeAll(async () => {
    [alice, bob, carol] = await Promise.all([loginUser(api), loginUser(api), loginUser(api)]);
    conversationId = await startConversation(api, alice, bob);
  });

  test('When a participant gets the conversation, then its last message is filled in with mine for the viewer', async () => {
    const sent = await sendMessage(api, alice, conversationId, 'hello');
    const forBob = await api.get(`/api/conversations/${conversationId}`, { token: bob.token });
    expect(forBob.status).toBe(200);
    expect(forBob.body).toEqual({
      id: conversationId,
      createdAt: expect.stringMatching(ISO_8601),
      otherParticipant: { id: alice.id, username: alice.username, avatarUrl: null, online: false, lastSeenAt: null },
      lastMessage: { ...sent, mine: false },
      hasUnreadMessages: true,
      unreadCount: 1,
      // Alice's marker: sending moved it to her message.
      otherParticipantReadAt: sent.createdAt,
    });
    const forAlice = await api.get(`/api/conversations/${conversationId}`, { token: alice.token });
    expect(forAlice.body.lastMessage).toEqual(sent);
    expect(forAlice.body.hasUnreadMessages).toBe(false);
  });

  test('When a participant asks for the other participant, then 200 with that user', async () => {
    const response = await api.get(`/api/conversations/${conversationId}/other_participant`, { token: alice.token });
    expect(response.status).toBe(200);
    expect(response.body).toEqual({ id: bob.id, username: bob.username, avatarUrl: null });
  });

  test('When someone who is not a participant asks, then 404 for both', async () => {
    expect((await api.get(`/api/conversations/${conversationId}`, { token: carol.token })).status).toBe(404);
    expect(
      (await api.get(`/api/conversations/${conversationId}/other_participant`, { token: carol.token })).status,
    ).toBe(404);
  });
});

describe('hasUnreadMessages', () => {
  test('When messages come and go, then the flag follows the last message and the read markers', async () => {
    const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
    const id = await startConversation(api, alice, bob);
    const unread = async (user: TestUser) => {
      const one = await api.get(`/api/conversations/${id}`, { token: user.token });
      const listed = await api.get('/api/conversations', { token: user.token });
      const inList = listed.body.find((c: { id: string }) => c.id === id);
      if (inList) expect(inList.hasUnreadMessages).toBe(one.body.hasUnreadMessages);
      return one.body.hasUnreadMessages;
    };

    expect([await unread(alice), await unread(bob)]).toEqual([false, false]);
    await sendMessage(api, alice, id, 'one');
    expect([await unread(alice), await unread(bob)]).toEqual([false, true]);
    expect((await api.get(`/api/conversations/${id}/messages`, { token: bob.token })).status).toBe(200);
    expect([await unread(alice), await unread(bob)]).toEqual([false, false]);
    await sendMessage(api, alice, id, 'two');
    await sendMessage(api, bob, id, 'three');
    // Bob's own message is last: nothing unread for him, and it is new to Alice.
    expect([await unread(alice), await unread(bob)]).toEqual([true, false]);
    expect((await api.post(`/api/conversations/${id}/read_messages`, { token: alice.token })).status).toBe(204);
    expect([await unread(alice), await unread(bob)]).toEqual([false, false]);
  });
});

describe('unreadCount', () => {
  test('When the other participant sends, then unreadCount counts their messages after the reader’s marker, everywhere, up to 100', async () => {
    const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
    const id = await startConversation(api, alice, bob);
    const counts = async (user: TestUser) => {
      const one = await api.get(`/api/conversations/${id}`, { token: user.token });
      const listed = await api.get('/api/conversations', { token: user.token });
      expect(listed.body.find((c: { id: string }) => c.id === id).unreadCount).toBe(one.body.unreadCount);
      return one.body.unreadCount;
    };
    await sendMessage(api, alice, id, 'one');
    await sendMessage(api, alice, id, 'two');
    expect([await counts(alice), await counts(bob)]).toEqual([0, 2]);
    await sendMessage(api, bob, id, 'mine');
    // Sending moves the sender's own marker: what they answered is read.
    expect([await counts(alice), await counts(bob)]).toEqual([1, 0]);
    await sendMessage(api, bob, id, 'again');
    expect(await counts(alice)).toBe(2);
    expect((await api.post(`/api/conversations/${id}/read_messages`, { token: alice.token })).status).toBe(204);
    expect(await counts(alice)).toBe(0);
    const base = Date.now() + 1000;
    await insertMessagesAt(
      db,
      id,
      Array.from({ length: 130 }, (_, i) => ({ userId: bob.id, content: `n${i}`, createdAt: new Date(base + i) })),
    );
    expect(await counts(alice)).toBe(100);
  });
});

describe('otherParticipantReadAt', () => {
  test('When the other participant reads, then every conversation answer carries their read marker, at the newest message they read', async () => {
    const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
    const id = await startConversation(api, alice, bob);
    // The same field from each of the three answers that carry a conversation, as Alice sees them.
    const seenByBob = async () => {
      const one = await api.get(`/api/conversations/${id}`, { token: alice.token });
      const listed = await api.get('/api/conversations', { token: alice.token });
      const started = await api.post('/api/conversations', { token: alice.token, json: { username: bob.username } });
      expect(started.status).toBe(200);
      const values = [one.body, listed.body.find((c: { id: string }) => c.id === id), started.body].map(
        (c: { otherParticipantReadAt: string }) => c.otherParticipantReadAt,
      );
      expect(new Set(values).size).toBe(1);
      return values[0]!;
    };

    const first = await sendMessage(api, alice, id, 'one');
    // Bob has not read it: his marker is where the conversation started, before the message.
    expect(Date.parse(await seenByBob())).toBeLessThan(Date.parse(first.createdAt));

    expect((await api.get(`/api/conversations/${id}/messages`, { token: bob.token })).status).toBe(200);
    expect(await seenByBob()).toBe(first.createdAt);

    const second = await sendMessage(api, alice, id, 'two');
    expect(Date.parse(await seenByBob())).toBeLessThan(Date.parse(second.createdAt));
    expect((await api.post(`/api/conversations/${id}/read_messages`, { token: bob.token })).status).toBe(204);
    expect(await seenByBob()).toBe(second.createdAt);

    // Bob sees Alice's marker the same way: her own message moved it.
    expect((await api.get(`/api/conversations/${id}`, { token: bob.token })).body.otherParticipantReadAt).toBe(
      second.createdAt,
    );
  });
});

describe('GET /api/conversations', () => {
  test('When a user starts a conversation and sends nothing, then it is in their list (no last message), not yet in the other’s', async () => {
    const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
    const id = await startConversation(api, alice, bob);
    const listed = async (user: TestUser) =>
      (await api.get('/api/conversations', { token: user.token })).body.map((c: { id: string }) => c.id);
    expect(await listed(alice)).toEqual([id]);
    expect((await api.get('/api/conversations', { token: alice.token })).body[0]).toMatchObject({
      lastMessage: null,
      hasUnreadMessages: false,
      unreadCount: 0,
    });
    expect(await listed(bob)).toEqual([]);
    // Bob asking for the same conversation starts it for him too.
    await startConversation(api, bob, alice);
    expect(await listed(bob)).toEqual([id]);
    const carol = await loginUser(api);
    const withCarol = await startConversation(api, carol, alice);
    expect(await listed(alice)).toEqual([id]);
    await sendMessage(api, carol, withCarol, 'hi');
    expect(await listed(alice)).toEqual([withCarol, id]);
  });

  test('When a user has conversations, then those with a message or started by them are listed, most recent activity first', async () => {
    const [alice, bob, carol, dave] = await Promise.all([
      loginUser(api),
      loginUser(api),
      loginUser(api),
      loginUser(api),
    ]);
    const withBob = await startConversation(api, alice, bob);
    const withCarol = await startConversation(api, carol, alice);
    await startConversation(api, dave, alice); // no message and started by Dave: not in Alice's list
    await sendMessage(api, alice, withBob, 'to bob');
    await sendMessage(api, carol, withCarol, 'from carol');
    let list = await api.get('/api/conversations', { token: alice.token });
    expect(list.status).toBe(200);
    expect(list.body.map((c: { id: string }) => c.id)).toEqual([withCarol, withBob]);
    expect(list.body[0]).toMatchObject({
      otherParticipant: { id: carol.id, username: carol.username, avatarUrl: null },
      lastMessage: { content: 'from carol', mine: false, conversationId: withCarol },
      hasUnreadMessages: true,
    });
    await sendMessage(api, bob, withBob, 'bob again');
    list = await api.get('/api/conversations', { token: alice.token });
    expect(list.body.map((c: { id: string }) => c.id)).toEqual([withBob, withCarol]);
  });

  test('When 60 conversations have last messages sharing timestamps, then paging returns each exactly once in order', async () => {
    const owner = await loginUser(api);
    const others = await Promise.all(Array.from({ length: 60 }, () => loginUser(api)));
    const ids: string[] = [];
    for (const other of others) ids.push(await startConversation(api, owner, other));
    const base = Date.now() - 3600_000;
    const timestamps = [base, base + 1000, base + 2000, base + 3000].map((t) => new Date(t));
    const lastMessages: { id: string; createdAt: Date }[] = [];
    await Promise.all(
      ids.map(async (conversationId, i) => {
        const [message] = await insertMessagesAt(db, conversationId, [
          { userId: others[i]!.id, content: `m${i}`, createdAt: timestamps[i % 4]! },
        ]);
        // A conversation's activity is its last message's time; ties go by conversation id.
        lastMessages.push({ id: conversationId, createdAt: message!.createdAt });
      }),
    );
    const expected = [...lastMessages].sort(byNewest).map((m) => m.id);

    for (const limit of [7, 25, 50]) {
      expect(await collectPages(api, '/api/conversations', owner.token, limit)).toEqual(expected);
    }
  });

  test('When conversations with and without messages share activity times, then paging returns each exactly once, by last activity', async () => {
    const owner = await loginUser(api);
    const others = await Promise.all(Array.from({ length: 40 }, () => loginUser(api)));
    const ids: string[] = [];
    for (const other of others) ids.push(await startConversation(api, owner, other));
    const base = Date.now() - 3600_000;
    const timestamps = [base, base + 1000, base + 2000].map((t) => new Date(t));
    // Even ones get a message; odd ones stay empty, active since their (rewritten) creation time.
    const activity: { id: string; createdAt: Date }[] = [];
    await Promise.all(
      ids.map(async (conversationId, i) => {
        const at = timestamps[i % 3]!;
        if (i % 2 === 0)
          await insertMessagesAt(db, conversationId, [{ userId: others[i]!.id, content: `m${i}`, createdAt: at }]);
        else await db.conversation.update({ where: { id: BigInt(conversationId) }, data: { createdAt: at } });
        activity.push({ id: conversationId, createdAt: at });
      }),
    );
    const expected = [...activity].sort(byNewest).map((c) => c.id);
    for (const limit of [7, 25, 50]) {
      expect(await collectPages(api, '/api/conversations', owner.token, limit)).toEqual(expected);
    }
  });

  test('When no limit is given, then a page holds 25', async () => {
    const owner = await loginUser(api);
    const others = await Promise.all(Array.from({ length: 26 }, () => loginUser(api)));
    for (const other of others) {
      const id = await startConversation(api, owner, other);
      await insertMessagesAt(db, id, [{ userId: other.id, content: 'x', createdAt: new Date() }]);
    }
    const response = await api.get('/api/conversations', { token: owner.token });
    expect(response.body).toHaveLength(25);
  });

  test.each([
    ['limit=0', 'limit'],
    ['limit=51', 'limit'],
    ['limit=abc', 'limit'],
    ['limit=2.5', 'limit'],
    ['limit=1&limit=2', 'limit'],
    ['before=abc', 'before'],
    ['before=0', 'before'],
    ['before=01', 'before'],
    ['before=', 'before'],
    ['before=99999999999999999999', 'before'],
  ])('When the query has %s, then 422 names %s', async (query, field) => {
    const user = await loginUser(api);
    const response = await api.get(`/api/conversations?${query}`, { token: user.token });
    expect(response.status).toBe(422);
    expect(Object.keys(response.body.error.fields)).toEqual([field]);
  });

  test('When before names a conversation that is not the caller’s, or not in their list, then 422 names before', async () => {
    const [alice, bob, carol] = await Promise.all([loginUser(api), loginUser(api), loginUser(api)]);
    const theirs = await startConversation(api, bob, carol);
    await sendMessage(api, bob, theirs, 'private');
    const emptyStartedByBob = await startConversation(api, bob, alice);
    for (const before of [theirs, emptyStartedByBob, '9223372036854775807']) {
      const response = await api.get(`/api/conversations?before=${before}`, { token: alice.token });
      expect(response.status).toBe(422);
      expect(response.body.error.fields).toEqual({ before: expect.any(String) });
    }
  });
});
