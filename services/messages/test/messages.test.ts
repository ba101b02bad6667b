import { randomUUID } from 'node:crypto';
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

async function pair(): Promise<{ alice: TestUser; bob: TestUser; conversationId: string }> {
  const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
  return { alice, bob, conversationId: await startConversation(api, alice, bob) };
}

describe('POST /api/conversations/:id/messages', () => {
  test('When a participant sends a message, then 201 with mine:true, and it becomes the last message and read for the sender', async () => {
    const { alice, bob, conversationId } = await pair();
    const before = Date.now();
    const response = await api.post(`/api/conversations/${conversationId}/messages`, {
      token: alice.token,
      json: { content: 'hi' },
    });
    expect(response.status).toBe(201);
    expect(response.body).toEqual({
      id: expect.stringMatching(/^\d+$/),
      content: 'hi',
      conversationId,
      createdAt: expect.any(String),
      mine: true,
    });
    expect(Math.abs(Date.parse(response.body.createdAt) - before)).toBeLessThan(10_000);
    const conversation = await db.conversation.findUniqueOrThrow({ where: { id: BigInt(conversationId) } });
    expect(String(conversation.lastMessageId)).toBe(response.body.id);
    const marker = await db.participant.findUniqueOrThrow({
      where: { userId_conversationId: { userId: BigInt(alice.id), conversationId: BigInt(conversationId) } },
    });
    expect(marker.messagesReadAt.toISOString()).toBe(response.body.createdAt);
    const forBob = await api.get(`/api/conversations/${conversationId}`, { token: bob.token });
    expect(forBob.body.lastMessage).toEqual({ ...response.body, mine: false });
  });

  test.each([
    ['runs of white space in a line', 'hello \t  world', 'hello world'],
    ['leading and trailing spaces', '   padded   ', 'padded'],
    [
      'blank lines at the ends (trimmed) and between lines (one kept)',
      '\n\nfirst\n   \n\n  second  \n\n',
      'first\n\n  second',
    ],
    ['a blank line between paragraphs', 'All of that.\n\nAnd a camera!', 'All of that.\n\nAnd a camera!'],
    ['more than two line breaks in a row', 'a\n\n\n\n\nb', 'a\n\nb'],
    [
      'indented lines (indentation kept, the first line trimmed)',
      '  list:\n  - one\n\t- two\n    deep   er  ',
      'list:\n  - one\n\t- two\n    deep er',
    ],
    ['Windows line ends', 'a\r\nb\r\n\r\nc', 'a\nb\n\nc'],
    ['non-breaking and ideographic spaces', 'a\u00a0\u00a0b\u3000c', 'a b c'],
    ['tabs, vertical tabs, form feeds and NEL (Unicode white space)', '\ta\t\tb\u000b\u000cc\u0085d\t', 'a b c d'],
    ['lone carriage returns as line ends', 'a\rb\r\rc', 'a\nb\n\nc'],
    ['zero-width joiners inside an emoji sequence (kept)', ' 👨\u200d👩\u200d👧 ', '👨\u200d👩\u200d👧'],
    ['a zero-width space next to text (kept: it is not white space)', 'a\u200bb', 'a\u200bb'],
    ['markup (stored as typed)', '<img src=x onerror=alert(1)>', '<img src=x onerror=alert(1)>'],
  ])('When the content has %s, then it is normalised', async (_, content, expected) => {
    const { alice, conversationId } = await pair();
    const sent = await sendMessage(api, alice, conversationId, content);
    expect(sent.content).toBe(expected);
  });

  test('When the content is 480 emoji (960 UTF-16 units), then it is accepted and stored whole', async () => {
    const { alice, bob, conversationId } = await pair();
    const content = '😀'.repeat(480);
    const sent = await sendMessage(api, alice, conversationId, content);
    expect(sent.content).toBe(content);
    const listed = await api.get(`/api/conversations/${conversationId}/messages`, { token: bob.token });
    expect(listed.body[0].content).toBe(content);
  });

  test('When the content is 481 characters after normalisation, then 422 with fields.content and nothing is stored', async () => {
    const { alice, conversationId } = await pair();
    for (const content of ['😀'.repeat(481), 'a'.repeat(481), `  ${'b'.repeat(481)}  `]) {
      const response = await api.post(`/api/conversations/${conversationId}/messages`, {
        token: alice.token,
        json: { content },
      });
      expect(response.status).toBe(422);
      expect(response.body.error.fields).toEqual({ content: expect.any(String) });
    }
    // Normalisation happens before counting: 480 letters with extra spaces around fit.
    await sendMessage(api, alice, conversationId, `   ${'c'.repeat(480)}   \n\n`);
    expect(await db.message.count({ where: { conversationId: BigInt(conversationId) } })).toBe(1);
  });

  test.each([
    ['empty', { content: '' }],
    ['only white space and blank lines', { content: '  \n \t \n\n ' }],
    ['missing', {}],
    ['not a string', { content: 42 }],
    ['null', { content: null }],
    ['only Windows line ends and tabs', { content: '\r\n\t\r\n \t' }],
    ['only zero-width characters and white space', { content: '\u200b \u200d\n\ufeff\u2060' }],
    ['holding a NUL character (PostgreSQL text cannot store it)', { content: 'a\u0000b' }],
  ])('When the content is %s, then 422 with fields.content', async (_, json) => {
    const { alice, conversationId } = await pair();
    const response = await api.post(`/api/conversations/${conversationId}/messages`, { token: alice.token, json });
    expect(response.status).toBe(422);
    expect(response.body.error.fields).toEqual({ content: expect.any(String) });
    expect(await db.message.count({ where: { conversationId: BigInt(conversationId) } })).toBe(0);
  });

  test('When 470 letters, 10 spaces and a letter are sent, then 472 characters are stored (the count the browser shows)', async () => {
    const { alice, conversationId } = await pair();
    const sent = await sendMessage(api, alice, conversationId, `${'z'.repeat(470)}${' '.repeat(10)}z`);
    expect(sent.content).toBe(`${'z'.repeat(470)} z`);
  });

  test('When a send is retried with the same clientId, then 200 with the first message, stored once', async () => {
    const { alice, bob, conversationId } = await pair();
    const clientId = randomUUID();
    const send = () =>
      api.post(`/api/conversations/${conversationId}/messages`, {
        token: alice.token,
        json: { content: 'only once', clientId },
      });
    const first = await send();
    expect(first.status).toBe(201);
    const retry = await send();
    expect(retry.status).toBe(200);
    expect(retry.body).toEqual(first.body);
    // Retries racing each other (a timeout, then two clicks on Retry) store nothing more either.
    const racing = await Promise.all([send(), send(), send()]);
    expect(racing.map((r) => r.status)).toEqual([200, 200, 200]);
    expect(racing.map((r) => r.body.id)).toEqual([first.body.id, first.body.id, first.body.id]);
    expect(await db.message.count({ where: { conversationId: BigInt(conversationId) } })).toBe(1);
    // Another sender may use the same clientId: it is unique per sender.
    const fromBob = await api.post(`/api/conversations/${conversationId}/messages`, {
      token: bob.token,
      json: { content: 'mine', clientId },
    });
    expect(fromBob.status).toBe(201);
  });

  test('When two sends race with the same new clientId, then one is stored (201) and the other answers it (200)', async () => {
    const { alice, conversationId } = await pair();
    const clientId = randomUUID();
    const responses = await Promise.all(
      Array.from({ length: 4 }, () =>
        api.post(`/api/conversations/${conversationId}/messages`, {
          token: alice.token,
          json: { content: 'raced', clientId },
        }),
      ),
    );
    expect(responses.map((r) => r.status).sort()).toEqual([200, 200, 200, 201]);
    expect(new Set(responses.map((r) => r.body.id)).size).toBe(1);
    expect(await db.message.count({ where: { conversationId: BigInt(conversationId) } })).toBe(1);
  });

  test('When a clientId is not a UUID, or was used in another conversation, then 422 names clientId', async () => {
    const { alice, bob, conversationId } = await pair();
    const carol = await loginUser(api);
    const other = await startConversation(api, alice, carol);
    const clientId = randomUUID();
    expect(
      (await api.post(`/api/conversations/${other}/messages`, { token: alice.token, json: { content: 'a', clientId } }))
        .status,
    ).toBe(201);
    for (const json of [
      { content: 'b', clientId },
      { content: 'b', clientId: 'not-a-uuid' },
      { content: 'b', clientId: 42 },
    ]) {
      const response = await api.post(`/api/conversations/${conversationId}/messages`, { token: alice.token, json });
      expect(response.status).toBe(422);
      expect(response.body.error.fields).toEqual({ clientId: expect.any(String) });
    }
    expect(await db.message.count({ where: { conversationId: BigInt(conversationId) } })).toBe(0);
    // Bob cannot learn about Alice's message through her clientId.
    const fromBob = await api.post(`/api/conversations/${other}/messages`, {
      token: bob.token,
      json: { content: 'x', clientId },
    });
    expect(fromBob.status).toBe(404);
  });

  test('When someone who is not a participant sends, then 404 and nothing is stored', async () => {
    const { conversationId } = await pair();
    const carol = await loginUser(api);
    const response = await api.post(`/api/conversations/${conversationId}/messages`, {
      token: carol.token,
      json: { content: 'hi' },
    });
    expect(response.status).toBe(404);
    expect(await db.message.count({ where: { conversationId: BigInt(conversationId) } })).toBe(0);
  });

  test('When both participants send 20 messages at once, then the last-message pointer ends on the newest one', async () => {
    const { alice, bob, conversationId } = await pair();
    const sent = await Promise.all(
      Array.from({ length: 20 }, (_, i) => sendMessage(api, i % 2 ? alice : bob, conversationId, `m${i}`)),
    );
    const newest = sent.map((m) => ({ id: m.id, createdAt: new Date(m.createdAt) })).sort(byNewest)[0]!;
    const conversation = await api.get(`/api/conversations/${conversationId}`, { token: alice.token });
    expect(conversation.body.lastMessage.id).toBe(newest.id);
  });
});

describe('GET /api/conversations/:id/messages', () => {
  test('When a participant lists messages, then they come newest first with mine computed for the viewer', async () => {
    const { alice, bob, conversationId } = await pair();
    const one = await sendMessage(api, alice, conversationId, 'one');
    const two = await sendMessage(api, bob, conversationId, 'two');
    const forAlice = await api.get(`/api/conversations/${conversationId}/messages`, { token: alice.token });
    expect(forAlice.status).toBe(200);
    expect(forAlice.body).toEqual([
      { ...two, mine: false },
      { ...one, mine: true },
    ]);
  });

  test('When 60 messages share timestamps, then paging by before returns each exactly once in order', async () => {
    const { alice, bob, conversationId } = await pair();
    const base = Date.now() - 60_000;
    const inserted = await insertMessagesAt(
      db,
      conversationId,
      Array.from({ length: 60 }, (_, i) => ({
        userId: i % 2 ? alice.id : bob.id,
        content: `m${i}`,
        createdAt: new Date(base + Math.floor(i / 20) * 1000),
      })),
    );
    const expected = [...inserted].sort(byNewest).map((m) => m.id);
    for (const limit of [7, 25, 100]) {
      expect(await collectPages(api, `/api/conversations/${conversationId}/messages`, alice.token, limit)).toEqual(
        expected,
      );
    }
    const firstPage = await api.get(`/api/conversations/${conversationId}/messages`, { token: alice.token });
    expect(firstPage.body).toHaveLength(25);
  });

  test('When reading an older page, then the conversation is marked read too', async () => {
    const { alice, bob, conversationId } = await pair();
    const first = await sendMessage(api, alice, conversationId, 'first');
    await sendMessage(api, alice, conversationId, 'second');
    const page = await api.get(`/api/conversations/${conversationId}/messages?before=${first.id}`, {
      token: bob.token,
    });
    expect(page.body).toEqual([]);
    expect((await api.get(`/api/conversations/${conversationId}`, { token: bob.token })).body.hasUnreadMessages).toBe(
      false,
    );
  });

  test('When listing with markRead=false, then the read marker stays where it was, and outsiders still get 404', async () => {
    const { alice, bob, conversationId } = await pair();
    const sent = await sendMessage(api, alice, conversationId, 'not yet seen');
    const page = await api.get(`/api/conversations/${conversationId}/messages?markRead=false`, { token: bob.token });
    expect(page.body.map((m: { id: string }) => m.id)).toEqual([sent.id]);
    const conversation = await api.get(`/api/conversations/${conversationId}`, { token: bob.token });
    expect(conversation.body).toMatchObject({ hasUnreadMessages: true, unreadCount: 1 });
    const carol = await loginUser(api);
    for (const query of ['markRead=false', `markRead=false&before=${sent.id}`]) {
      expect(
        (await api.get(`/api/conversations/${conversationId}/messages?${query}`, { token: carol.token })).status,
      ).toBe(404);
    }
  });

  test.each([
    ['markRead=no', 'markRead'],
    ['limit=0', 'limit'],
    ['limit=101', 'limit'],
    ['limit=-1', 'limit'],
    ['limit=ten', 'limit'],
    ['before=x1', 'before'],
    ['before=-5', 'before'],
    ['before=', 'before'],
  ])('When the query has %s, then 422 names %s and nothing is marked read', async (query, field) => {
    const { alice, bob, conversationId } = await pair();
    await sendMessage(api, alice, conversationId, 'unread');
    const response = await api.get(`/api/conversations/${conversationId}/messages?${query}`, { token: bob.token });
    expect(response.status).toBe(422);
    expect(Object.keys(response.body.error.fields)).toEqual([field]);
    expect((await api.get(`/api/conversations/${conversationId}`, { token: bob.token })).body.hasUnreadMessages).toBe(
      true,
    );
  });

  test('When before is a message of another conversation or unknown, then 422 names before', async () => {
    const { alice, conversationId } = await pair();
    const other = await pair();
    const foreign = await sendMessage(api, other.alice, other.conversationId, 'elsewhere');
    for (const before of [foreign.id, '9223372036854775807']) {
      const response = await api.get(`/api/conversations/${conversationId}/messages?before=${before}`, {
        token: alice.token,
      });
      expect(response.status).toBe(422);
      expect(response.body.error.fields).toEqual({ before: expect.any(String) });
    }
  });

  test('When someone who is not a participant lists messages, then 404 (with or without before)', async () => {
    const { alice, conversationId } = await pair();
    const sent = await sendMessage(api, alice, conversationId, 'secret');
    const carol = await loginUser(api);
    expect((await api.get(`/api/conversations/${conversationId}/messages`, { token: carol.token })).status).toBe(404);
    expect(
      (await api.get(`/api/conversations/${conversationId}/messages?before=${sent.id}`, { token: carol.token })).status,
    ).toBe(404);
    expect(
      (await api.get(`/api/conversations/${conversationId}/messages?before=1`, { token: carol.token })).status,
    ).toBe(404);
  });
});

describe('POST /api/conversations/:id/read_messages', () => {
  test('When a participant marks read, then 204, and the marker is the newest message’s time, not now', async () => {
    const { alice, bob, conversationId } = await pair();
    const sent = await sendMessage(api, alice, conversationId, 'read me');
    const response = await api.post(`/api/conversations/${conversationId}/read_messages`, { token: bob.token });
    expect(response.status).toBe(204);
    expect(response.body).toBe('');
    const marker = await db.participant.findUniqueOrThrow({
      where: { userId_conversationId: { userId: BigInt(bob.id), conversationId: BigInt(conversationId) } },
    });
    expect(marker.messagesReadAt.toISOString()).toBe(sent.createdAt);
  });

  test('When a message older than the marker is committed late, then the marker does not move backwards', async () => {
    const { alice, bob, conversationId } = await pair();
    const sent = await sendMessage(api, alice, conversationId, 'newest');
    await api.post(`/api/conversations/${conversationId}/read_messages`, { token: bob.token });
    await insertMessagesAt(db, conversationId, [
      { userId: alice.id, content: 'old', createdAt: new Date(Date.parse(sent.createdAt) - 5000) },
    ]);
    await api.post(`/api/conversations/${conversationId}/read_messages`, { token: bob.token });
    const marker = await db.participant.findUniqueOrThrow({
      where: { userId_conversationId: { userId: BigInt(bob.id), conversationId: BigInt(conversationId) } },
    });
    expect(marker.messagesReadAt.toISOString()).toBe(sent.createdAt);
  });

  test('When someone who is not a participant marks read, then 404', async () => {
    const { conversationId } = await pair();
    const carol = await loginUser(api);
    expect((await api.post(`/api/conversations/${conversationId}/read_messages`, { token: carol.token })).status).toBe(
      404,
    );
  });
});
