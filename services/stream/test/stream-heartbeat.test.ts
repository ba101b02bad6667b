import { sessionToken, useStreamFixture, uniqueUserId } from '../../../test/support/stream/stream-fixture';
import { openRawStream } from '../../../test/support/stream/stream-raw-client';

// Heartbeat: an idle stream gets a `: ping` comment every STREAM_HEARTBEAT_MS, so proxies keep it open.
const fixture = useStreamFixture({ STREAM_HEARTBEAT_MS: '200' });

test('When a stream is idle, then it receives a `: ping` comment every heartbeat interval and no event', async () => {
  const stream = await openRawStream(fixture.url, { token: sessionToken(uniqueUserId()) });
  try {
    await stream.waitFor(() => stream.comments.length >= 5, '5 pings', 5000);
    expect(stream.comments.map((c) => c.text)).toEqual(Array(stream.comments.length).fill('ping'));
    // One process-wide interval: the first ping comes within about one interval of opening,
    // the next ones one interval apart. Bounds are loose where a busy machine can delay a
    // timer or a read (two cores shared with other test files); the median is tight.
    expect(stream.comments[0]!.at).toBeLessThan(200 + 500);
    const gaps = stream.comments
      .slice(1)
      .map((c, i) => c.at - stream.comments[i]!.at)
      .sort((a, b) => a - b);
    const median = gaps[Math.floor(gaps.length / 2)]!;
    expect(median).toBeGreaterThanOrEqual(180);
    expect(median).toBeLessThan(350);
    expect(gaps.at(-1)).toBeLessThan(1500);
    expect(stream.text()).toMatch(
      /^retry: \d+\n\nid: (\d+:0)\nevent: ready\ndata: \{"cursor":"\1"\}\n\n(: ping\n\n)+$/,
    );
    expect(stream.events()).toEqual([]);
  } finally {
    stream.close();
  }
});
