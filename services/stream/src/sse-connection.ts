import type { ServerResponse } from 'node:http';
import { parseCursor, type EventEnvelope } from '#libs/events';
import { eventFrame, readyFrame, resyncFrame, retryFrame, type EphemeralFrame, type FanOutEvent } from './sse-frames';
import type { CloseReason, StreamTallies } from './stream-metrics';

export type ConnectionState = 'catching-up' | 'live' | 'closed';

/**
 * What every connection of a hub shares: one object per hub, not one per connection
 * (each open connection's own objects are what the idle memory per connection is made of).
 */
export interface SseConnectionSettings {
  retryMs: number;
  /** Bytes that may wait in this connection's outgoing buffers before it is dropped as too slow. */
  maxBufferedBytes: number;
  /** Called when a live event does not follow the last one: the hub catches the connection up from the log. */
  onGap(connection: SseConnection): void;
  /** The service's counts (stream-metrics.ts), bumped as events are written. */
  tallies: StreamTallies;
}

/**
 * The body is not chunked: it ends when the connection closes (RFC 9112 §6.3), hence
 * `Connection: close`. Chunked, Node frames every write in three pieces (size line,
 * data, CRLF), corks the socket and sends them in one `writev` on the next tick: that
 * was 4 of 29 µs per delivered event at 20,000 events/s, and most of what an idle
 * stream allocates (its heartbeats) (bench/README.md, change 10). An event stream needs
 * no framing of its own: it is the whole body, a client reconnects after it either way,
 * and a proxy in front (nginx, the web service) frames it again for its client.
 */
const HEADERS = {
  'Content-Type': 'text/event-stream',
  'Cache-Control': 'no-cache, no-transform',
  // nginx buffers proxied responses unless told not to.
  'X-Accel-Buffering': 'no',
  Connection: 'close',
};

/**
 * One open event stream on a raw Node response (no framework in here, so the fan-out
 * never pays for one). It always knows the last cursor its client has, which is
 * what makes resuming exact.
 *
 * While `catching-up`, live events are buffered (the connection is subscribed before
 * history is read); once the history is written the buffer is flushed and the state
 * becomes `live`. Live, an event is written only when it is the next of the user's
 * sequence (same epoch, seq = last + 1); one at or before the last is a duplicate and
 * dropped; anything else (a hole, or another epoch) means something did not arrive, so
 * the connection goes back to `catching-up` and the hub fills the hole from the log, or
 * sends `resync` when the log cannot.
 *
 * Cleanup runs from one place, exactly once, when the response closes, whichever side
 * closed it: the `onClose` listeners. This object exists once per open connection and
 * lives as long as it, so it holds no more than it needs: plain callbacks chained in one
 * field (not an AbortController, not an array), the hub's settings shared, no buffer
 * until one is needed, and a plain 'close' listener (`once` would add a wrapper object
 * and a bound function per connection; `handleClose` runs once anyway).
 */
export class SseConnection {
  readonly userId: string;
  state: ConnectionState = 'catching-up';
  /** Last cursor the client has, or asked to resume from (possibly malformed until the first catch-up). */
  lastCursor: string;
  closeReason: CloseReason | undefined;
  /** Event frames written (live and from the log), for the line logged at close. */
  eventsSent = 0;
  readonly openedAt = Date.now();
  /** `lastCursor`'s parts; an epoch of '' while it is malformed. */
  private epoch = '';
  private seq = -1;
  /** Live events held while catching up; undefined while there are none. */
  private pending: FanOutEvent[] | undefined;
  private pendingBytes = 0;
  private catchUpRun = 0;
  /** Every `onClose` listener, in the order given, as one function. */
  private closeListener: (() => void) | undefined;

  /**
   * `resumeFrom` is the cursor to resume from: the client's Last-Event-ID (unchecked),
   * or for a fresh start the log's newest.
   */
  constructor(
    private readonly res: ServerResponse,
    userId: string,
    resumeFrom: string,
    private readonly options: SseConnectionSettings,
  ) {
    this.userId = userId;
    this.lastCursor = resumeFrom;
    this.setCursor(resumeFrom);
    res.on('close', () => this.handleClose());
  }

  /** Runs `listener` once when the connection closes (at once if it already has), after those given before it. */
  onClose(listener: () => void): void {
    if (this.state === 'closed') return listener();
    const earlier = this.closeListener;
    this.closeListener = earlier
      ? () => {
          earlier();
          listener();
        }
      : listener;
  }

  get closed(): boolean {
    return this.state === 'closed';
  }

  /**
   * Sends status and headers at once (the client sees `open` before any event), then
   * the retry hint and, when the starting cursor is a cursor, `ready` with it. The
   * `ready` id equals `lastCursor`, so deduplication and catch-up are unchanged; a
   * malformed client cursor gets no `ready`, and its `resync` carries the id instead.
   */
  open(): void {
    // SSE frames are small and latency matters more than packet count.
    this.res.socket?.setNoDelay(true);
    // Close-delimited, not chunked (HEADERS).
    this.res.useChunkedEncodingByDefault = false;
    this.res.writeHead(200, HEADERS);
    this.res.flushHeaders();
    this.write(retryFrame(this.options.retryMs) + (this.epoch ? readyFrame(this.lastCursor) : ''));
  }

  /**
   * The hot path: one live event, already formatted, for this connection. No
   * allocation, no parsing, no await.
   */
  deliver(event: FanOutEvent): void {
    if (this.state === 'live') {
      if (event.epoch === this.epoch) {
        if (event.seq === this.seq + 1 || this.seq === 0) {
          // The next event; or the first of an epoch this stream has been subscribed to
          // since before it had any (its catch-up found the head without events).
          this.advance(event);
          return;
        }
        if (event.seq <= this.seq) return;
      }
      // A hole, or another epoch: buffer from here and let the log decide.
      this.state = 'catching-up';
      this.buffer(event);
      this.options.onGap(this);
    } else if (this.state === 'catching-up') {
      this.buffer(event);
    }
  }

  /**
   * An ephemeral event (typing, presence): written only to a live stream. One that is
   * catching up from the log drops it rather than buffer it: it would come late, and
   * being ephemeral it is never replayed either.
   */
  deliverEphemeral(event: EphemeralFrame): void {
    if (this.state !== 'live' || !this.write(event.frame)) return;
    this.options.tallies.delivered[event.type] += 1;
  }

  private advance(event: FanOutEvent): void {
    this.epoch = event.epoch;
    this.seq = event.seq;
    this.lastCursor = event.cursor;
    if (!this.write(event.frame)) return;
    this.eventsSent += 1;
    const tallies = this.options.tallies;
    tallies.delivered[event.type] += 1;
    tallies.deliveryLag.observe((Date.now() - event.ts) / 1000);
  }

  private buffer(event: FanOutEvent): void {
    (this.pending ??= []).push(event);
    this.pendingBytes += event.frame.length;
    // A client that cannot be caught up within the same bound as any other is dropped too.
    if (this.pendingBytes > this.options.maxBufferedBytes) this.drop('slow_consumer');
  }

  /**
   * Writes, then drops the connection when its outgoing buffer has grown past the
   * bound: it cannot keep up, and waiting for 'drain' would hold its events in memory
   * indefinitely. The client resumes by cursor when it comes back.
   */
  write(chunk: string | Buffer): boolean {
    if (this.state === 'closed') return false;
    this.res.write(chunk);
    if (this.res.writableLength > this.options.maxBufferedBytes) {
      this.drop('slow_consumer');
      return false;
    }
    return true;
  }

  /** Starts (or restarts, after a Redis reconnect) catching up; returns a token for `isCurrent`. */
  beginCatchUp(): number {
    if (this.state !== 'closed') this.state = 'catching-up';
    return ++this.catchUpRun;
  }

  /** False once the connection closed or a newer catch-up superseded this one. */
  isCurrent(run: number): boolean {
    return this.state === 'catching-up' && run === this.catchUpRun;
  }

  /** Writes the events the client missed, oldest first (the log's answer: all after the client's cursor). */
  replay(events: readonly EventEnvelope[]): void {
    for (const envelope of events) {
      if (envelope.epoch === this.epoch && envelope.seq <= this.seq) continue;
      if (!this.write(eventFrame(envelope))) return;
      this.eventsSent += 1;
      this.options.tallies.catchUpEvents += 1;
      this.setCursor(envelope.cursor);
    }
  }

  /** The server cannot prove the client has everything: it must refetch, then resume from `latestCursor`. */
  resync(latestCursor: string, reason: string): void {
    this.write(resyncFrame(latestCursor, reason));
    this.options.tallies.countResync(reason);
    this.setCursor(latestCursor);
  }

  /** Flushes the live events buffered during catch-up that the history did not hold, and goes live. */
  goLive(): void {
    if (this.state !== 'catching-up') return;
    const buffered = this.pending;
    this.pending = undefined;
    this.pendingBytes = 0;
    this.state = 'live';
    if (buffered) for (const event of buffered) this.deliver(event);
  }

  /**
   * Writes a last frame and ends the response, which closes the connection (a
   * close-delimited body: HEADERS), so the client's reconnect opens a new one: after a
   * shutdown's `reconnect` it cannot reach this instance again.
   */
  end(frame: string, reason: CloseReason): void {
    if (this.state === 'closed') return;
    this.res.write(frame);
    this.closeReason ??= reason;
    this.res.end();
    this.handleClose();
  }

  /** Cuts the connection (the client reconnects with its Last-Event-ID). */
  drop(reason: CloseReason): void {
    if (this.state === 'closed') return;
    this.closeReason ??= reason;
    this.res.destroy();
    // 'close' follows asynchronously; stop writing and release the buffer now.
    this.handleClose();
  }

  private setCursor(cursor: string): void {
    const parsed = parseCursor(cursor);
    this.lastCursor = cursor;
    this.epoch = parsed?.epoch ?? '';
    this.seq = parsed?.seq ?? -1;
  }

  private handleClose(): void {
    if (this.state === 'closed') return;
    this.state = 'closed';
    this.closeReason ??= 'client_gone';
    this.pending = undefined;
    this.pendingBytes = 0;
    const listener = this.closeListener;
    this.closeListener = undefined;
    listener?.();
  }
}
