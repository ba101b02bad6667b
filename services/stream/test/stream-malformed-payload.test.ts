import { sessionToken, useStreamFixture, uniqueUserId } from '../../../test/support/stream/stream-fixture';
import { captureLogLines } from '../../../test/support/stream/stream-log-capture';
import { openRawStream } from '../../../test/support/stream/stream-raw-client';

// A payload on a user's channel that is not a well-formed event is dropped (and logged);
// the stream and the process carry on.
const { logger, lines: logLines } = captureLogLines('warn');
const fixture = useStreamFixture({}, { logger });

test('When malformed payloads are published on a channel, then they are dropped and the stream goes on', async () => {
  const userId = uniqueUserId();
  const stream = await openRawStream(fixture.url, { token: sessionToken(userId) });
  const channel = fixture.channels.userChannel(userId);
  try {
    for (const payload of [
      'not json',
      '',
      'null',
      '[1,2]',
      '{"type":"message"}',
      '{"type":"message","cursor":"1:1"}',
      '{"type":"message","cursor":"1:1","ts":1,"data":"a string"}',
      '{"type":"unknown","cursor":"1:1","ts":1,"data":{}}',
      '{"type":"message","cursor":"not-a-cursor","ts":1,"data":{}}',
      // The cursor format before sequence numbers, and cursors that are not canonical.
      '{"type":"message","cursor":"1764089912345-0","ts":1,"data":{}}',
      '{"type":"message","cursor":"01:1","ts":1,"data":{}}',
      '{"type":"message","cursor":"0:5","ts":1,"data":{}}',
      '{"type":"message","cursor":"1:1","data":{}}',
      '{"type":"message","cursor":"9999999999999:1","ts":1,"data":{"content":"truncated"',
      Buffer.from([0xff, 0xfe, 0x00, 0x0a]).toString('latin1'),
    ]) {
      await fixture.publisher.publishRaw(channel, payload);
    }
    const cursor = await fixture.publisher.publishMessage(userId, 'line one\n\ndata: injected?');
    const events = await stream.waitForEvents(1);
    expect(events.map((e) => e.id)).toEqual([cursor]);
    expect(JSON.parse(events[0]!.data).content).toBe('line one\n\ndata: injected?');
    expect(stream.isEnded()).toBe(false);
    expect(fixture.server.stats().connections).toBe(1);
    // Logged once per interval (rate-limited), without the payload (it could hold message text).
    const warnings = logLines.filter((line) => line.includes('dropped malformed event payload'));
    expect(warnings).toHaveLength(1);
    expect(JSON.parse(warnings[0]!)).toMatchObject({ channel, droppedSinceLastReport: 1 });
    expect(warnings[0]).not.toContain('not json');
  } finally {
    stream.close();
  }
});
