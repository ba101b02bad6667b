import { nowMs } from './latency-histogram';

/**
 * What every benchmark event carries so a client can measure it: the step it
 * belongs to, a sequence number unique within the step (to count missing and
 * duplicate deliveries exactly) and the publisher's send time.
 *
 * Fan-out events are message-shaped (the contract's Message) with the
 * probe as extra fields; the JSON is byte-for-byte the same for all three systems.
 * End-to-end messages go through the messages service, which keeps only the
 * content, so there the probe travels inside the content text.
 */
export interface Probe {
  step: number;
  seq: number;
  sentAt: number;
  mine: boolean;
}

// About the length of a typical chat message.
const CONTENT = 'Benchmark message: the quick brown fox jumps over the lazy dog, then checks the clock again.';

export function fanOutPayload(step: number, seq: number, userId: string) {
  return {
    id: String(seq),
    content: CONTENT,
    conversationId: userId,
    createdAt: new Date().toISOString(),
    mine: false,
    step,
    seq,
    sentAt: nowMs(),
  };
}

const E2E_PREFIX = 'bench-probe';

export function endToEndContent(step: number, seq: number, sentAt: number): string {
  return `${E2E_PREFIX} ${step} ${seq} ${sentAt.toFixed(3)} ${CONTENT}`;
}

/** The probe in a delivered event, or undefined for anything else (never throws). */
export function readProbe(event: unknown): Probe | undefined {
  if (!event || typeof event !== 'object') return undefined;
  const data = event as Record<string, unknown>;
  if (typeof data.seq === 'number' && typeof data.step === 'number' && typeof data.sentAt === 'number') {
    return { step: data.step, seq: data.seq, sentAt: data.sentAt, mine: data.mine === true };
  }
  if (typeof data.content === 'string' && data.content.startsWith(E2E_PREFIX)) {
    const [, step, seq, sentAt] = data.content.split(' ', 4);
    const probe = { step: Number(step), seq: Number(seq), sentAt: Number(sentAt), mine: data.mine === true };
    if (Number.isFinite(probe.step) && Number.isFinite(probe.seq) && Number.isFinite(probe.sentAt)) return probe;
  }
  return undefined;
}
