import { TYPING_DISPLAY_MS, type Message } from '#libs/contract';
import { createTypingState } from '../src/client/typing-state';

const fromBob = (conversationId: string, mine = false): Message => ({
  id: '90',
  conversationId,
  content: 'hi',
  createdAt: '2026-01-10T12:00:00.000Z',
  mine,
});

describe('Who is typing where', () => {
  beforeEach(() => jest.useFakeTimers());
  afterEach(() => jest.useRealTimers());

  test('When a typing notice arrives, then it shows until TYPING_DISPLAY_MS after the last notice', () => {
    const typing = createTypingState();
    typing.noteTyping({ conversationId: '7', userId: '2' });
    jest.advanceTimersByTime(TYPING_DISPLAY_MS - 1000);
    typing.noteTyping({ conversationId: '7', userId: '2' });
    jest.advanceTimersByTime(TYPING_DISPLAY_MS - 1);
    expect(typing.typist('7')).toBe('2');
    jest.advanceTimersByTime(1);
    expect(typing.typist('7')).toBeUndefined();
  });

  test("When a message from the typist arrives in that conversation, then the typing ends at once; my own message or another conversation's does not end it", () => {
    const typing = createTypingState();
    typing.noteTyping({ conversationId: '7', userId: '2' });
    typing.noteMessage(fromBob('7', true));
    typing.noteMessage(fromBob('8'));
    expect(typing.typist('7')).toBe('2');
    typing.noteMessage(fromBob('7'));
    expect(typing.typist('7')).toBeUndefined();
  });

  test('When notices repeat while someone types, then listeners hear only the start and the end, so a live region speaks once', () => {
    const typing = createTypingState();
    const heard: string[] = [];
    typing.subscribe((conversationId) => heard.push(`${conversationId}:${typing.typist(conversationId) ?? 'none'}`));
    typing.noteTyping({ conversationId: '7', userId: '2' });
    typing.noteTyping({ conversationId: '7', userId: '2' });
    typing.noteTyping({ conversationId: '7', userId: '2' });
    jest.advanceTimersByTime(TYPING_DISPLAY_MS);
    expect(heard).toEqual(['7:2', '7:none']);
  });

  test('When the session ends, then nothing is shown and no timer is left', () => {
    const typing = createTypingState();
    typing.noteTyping({ conversationId: '7', userId: '2' });
    typing.clear();
    expect(typing.typist('7')).toBeUndefined();
    expect(jest.getTimerCount()).toBe(0);
  });
});
