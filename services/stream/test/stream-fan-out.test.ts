import { openEventSource } from '../../../test/support/stream/stream-event-source';
import { useStreamFixture, sessionToken, uniqueUserId } from '../../../test/support/stream/stream-fixture';
import { openRawStream, type RawStream } from '../../../test/support/stream/stream-raw-client';
import { closedAfterEach } from '../../../test/support/stream/stream-closed-after-each';

// Fan-out: every tab of a user, on any instance, gets each of the user's events; nobody else does.
// A stream delivers every event published after its client saw `open`, so tests publish right after opening.
const first = useStreamFixture();
const second = useStreamFixture();
const opened = closedAfterEach<{ close(): void }>();

async function tab(url: string, userId: string): Promise<RawStream> {
  const stream = await openRawStream(url, { token: sessionToken(userId) });
  opened.push(stream);
  expect(stream.status).toBe(200);
  return stream;
}

test("When a message is sent, then the receiver's two tabs and the sender's other tab get it, and no one else", async () => {
  const [sender, receiver, bystander] = [uniqueUserId(), uniqueUserId(), uniqueUserId()];
  const receiverTabs = [await tab(first.url, receiver), await tab(first.url, receiver)];
  const senderTab = await tab(first.url, sender);
  const bystanderTab = await tab(first.url, bystander);

  // As the messages service publishes a message: to the receiver (mine: false) and to the sender (mine: true).
  const data = { id: '77', conversationId: '5', createdAt: '2026-11-25T12:00:00.000Z' };
  const receiverCursor = await first.publisher.publishMessage(receiver, 'hi <b>there</b>', { ...data, mine: false });
  const senderCursor = await first.publisher.publishMessage(sender, 'hi <b>there</b>', { ...data, mine: true });

  for (const stream of receiverTabs) {
    const [event, ...more] = await stream.waitForEvents(1);
    expect(more).toEqual([]);
    expect(event).toMatchObject({ id: receiverCursor, event: 'message' });
    expect(JSON.parse(event!.data)).toEqual({ ...data, content: 'hi <b>there</b>', mine: false });
    expect(stream.text()).toMatch(new RegExp(`\\n\\nid: ${receiverCursor}\\ndata: \\{[^\\n]*\\}\\n\\n$`));
  }
  const [senderEvent] = await senderTab.waitForEvents(1);
  expect(senderEvent!.id).toBe(senderCursor);
  expect(JSON.parse(senderEvent!.data)).toEqual({ ...data, content: 'hi <b>there</b>', mine: true });

  // Events of one channel arrive in publish order: when the bystander's own marker
  // arrives, anything wrongly routed to it earlier would have arrived first.
  const marker = await first.publisher.publishMessage(bystander, 'marker');
  const bystanderEvents = await bystanderTab.waitForEvents(1);
  expect(bystanderEvents.map((e) => e.id)).toEqual([marker]);
  expect(senderTab.events()).toHaveLength(1);
});

test('When a read receipt is published, then it arrives as an `event: read` frame with its cursor', async () => {
  const userId = uniqueUserId();
  const stream = await tab(first.url, userId);
  const read = { conversationId: '9', userId: '123', readAt: '2026-11-25T12:00:00.000Z' };
  const cursor = await first.publisher.publishRead(userId, read);
  const [event] = await stream.waitForEvents(1, 'read');
  expect(event).toMatchObject({ id: cursor, event: 'read' });
  expect(JSON.parse(event!.data)).toEqual(read);
  expect(stream.text()).toContain(`id: ${cursor}\nevent: read\ndata: ${JSON.stringify(read)}\n\n`);
});

test("When a user's tabs are on two instances sharing one Redis, then every tab gets every event, through EventSource too", async () => {
  const userId = uniqueUserId();
  const onFirst = await tab(first.url, userId);
  const onSecond = openEventSource(second.url, { token: sessionToken(userId) });
  opened.push(onSecond);
  await onSecond.opened();

  const cursors: string[] = [];
  for (let i = 0; i < 20; i += 1) cursors.push(await first.publisher.publishMessage(userId, `m${i}`));

  await onFirst.waitForEvents(20);
  await onSecond.waitFor(() => onSecond.received.length >= 20, '20 events');
  expect(onFirst.events().map((e) => e.id)).toEqual(cursors);
  expect(onSecond.received.map((e) => e.id)).toEqual(cursors);
  expect(onSecond.received.map((e) => e.type)).toEqual(cursors.map(() => 'message'));
  expect(onSecond.received.map((e) => JSON.parse(e.data).content)).toEqual(cursors.map((_, i) => `m${i}`));
});
