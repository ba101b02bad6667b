import { TYPING_INTERVAL_MS } from '#libs/contract';
import { createTypingSender } from '../src/client/typing-sender';

/** A sender on a clock the test moves, recording each notice it posts. */
function senderOnClock(answer: () => Promise<unknown> = () => Promise.resolve()) {
  let now = 1_000_000;
  const posted: string[] = [];
  const sender = createTypingSender(
    (conversationId) => {
      posted.push(conversationId);
      return answer();
    },
    () => now,
  );
  return { sender, posted, advance: (ms: number) => (now += ms) };
}

describe('Typing notices sent while the person types', () => {
  test('When the text changes many times within the interval, then one notice is sent, and the next only once the interval has passed', () => {
    const { sender, posted, advance } = senderOnClock();
    sender.textChanged('7', 'h');
    advance(100);
    sender.textChanged('7', 'he');
    advance(TYPING_INTERVAL_MS - 200);
    sender.textChanged('7', 'hel');
    expect(posted).toEqual(['7']);
    advance(100);
    sender.textChanged('7', 'hell');
    expect(posted).toEqual(['7', '7']);
  });

  test('When the box holds only white space or is emptied, then no notice is sent', () => {
    const { sender, posted } = senderOnClock();
    sender.textChanged('7', '');
    sender.textChanged('7', '  \n ');
    expect(posted).toEqual([]);
  });

  test('When two conversations are typed in, then each has its own interval', () => {
    const { sender, posted, advance } = senderOnClock();
    sender.textChanged('7', 'a');
    advance(10);
    sender.textChanged('8', 'b');
    sender.textChanged('7', 'ab');
    expect(posted).toEqual(['7', '8']);
  });

  test('When the server refuses a notice (429), then nothing is thrown and the next interval sends again', async () => {
    const { sender, posted, advance } = senderOnClock(() => Promise.reject(new Error('429 too_many_requests')));
    sender.textChanged('7', 'a');
    await Promise.resolve();
    advance(TYPING_INTERVAL_MS);
    sender.textChanged('7', 'ab');
    expect(posted).toEqual(['7', '7']);
  });
});
