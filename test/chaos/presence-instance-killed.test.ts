import { useMessagesApp } from '../support/messages/messages-app';
import { loginUser, startConversation, type TestUser } from '../support/messages/messages-client';
import { eventually } from '../support/product/eventually';
import { startStreamProcess, type StreamProcess } from '../support/stream/stream-process';
import { openRawStream, type RawStream } from '../support/stream/stream-raw-client';

// A stream instance killed (SIGKILL: no close, no goodbye) stops refreshing its users'
// presence: once their entries lapse (2 heartbeats) they read as offline, last seen
// when the entry lapsed. A short heartbeat keeps the test short.
const HEARTBEAT_MS = 300;
const ALIVE_MS = 2 * HEARTBEAT_MS;
const messages = useMessagesApp();
const { api } = messages;
let instance: StreamProcess;
let bobTab: RawStream | undefined;

beforeAll(async () => {
  instance = await startStreamProcess(messages.app.config, { STREAM_HEARTBEAT_MS: String(HEARTBEAT_MS) });
});
afterAll(async () => {
  bobTab?.close();
  await instance?.kill('SIGKILL');
});

async function partnerSeenBy(viewer: TestUser, conversationId: string) {
  const answer = await api.get(`/api/conversations/${conversationId}`, { token: viewer.token });
  return answer.body.otherParticipant as { online: boolean; lastSeenAt: string | null };
}

test("When the stream instance holding a user's only tab is killed, then the user stays online while it lives (heartbeats refresh them) and reads offline once the TTL has lapsed", async () => {
  const [alice, bob] = await Promise.all([loginUser(api), loginUser(api)]);
  const conversationId = await startConversation(api, alice, bob);
  bobTab = await openRawStream(instance.url, { token: bob.token });
  await bobTab.waitForReady();
  await eventually(
    () => partnerSeenBy(alice, conversationId),
    (p) => p.online,
    'bob online',
  );

  // Several TTLs long: only the heartbeat's refreshes keep the entry alive.
  const watchedUntil = Date.now() + 4 * ALIVE_MS;
  while (Date.now() < watchedUntil) expect(await partnerSeenBy(alice, conversationId)).toMatchObject({ online: true });

  const killedAt = Date.now();
  await instance.kill('SIGKILL');
  const offline = await eventually(
    () => partnerSeenBy(alice, conversationId),
    (p) => !p.online,
    'bob offline',
  );
  const noticedAt = Date.now();
  // Offline within the TTL (plus a refresh period and the polling), never before the kill.
  expect(noticedAt - killedAt).toBeLessThan(ALIVE_MS + HEARTBEAT_MS + 1000);
  const lastSeen = Date.parse(offline.lastSeenAt!);
  expect(lastSeen).toBeGreaterThan(killedAt - HEARTBEAT_MS - 100);
  expect(lastSeen).toBeLessThanOrEqual(killedAt + ALIVE_MS + 100);
});
