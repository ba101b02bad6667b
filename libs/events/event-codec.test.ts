import { decodeChannelMessage } from './event-codec';

// The payloads as the append script publishes them (event-appender.ts), and the other
// JSON texts that mean the same event, decode alike; anything else decodes to nothing.
const data = { id: '7', conversationId: '3', userId: '42', content: 'a "quoted" {brace}', createdAt: '2026-12-06' };
const published = `{"type":"message","cursor":"1764089912345678:42","ts":1764089912345,"data":${JSON.stringify(data)}}`;
const expected = {
  type: 'message',
  cursor: '1764089912345678:42',
  epoch: '1764089912345678',
  seq: 42,
  ts: 1764089912345,
  data: JSON.stringify(data),
};

test('When a logged event comes in the append script shape, then its data is passed on as published', () => {
  expect(decodeChannelMessage(published)).toEqual(expected);
  expect(decodeChannelMessage(published.replace('"data":{', '"data":{ '))).toEqual({
    ...expected,
    data: `{ ${JSON.stringify(data).slice(1)}`,
  });
  const empty = '{"type":"read","cursor":"5:1","ts":1,"data":{}}';
  expect(decodeChannelMessage(empty)).toEqual({ type: 'read', cursor: '5:1', epoch: '5', seq: 1, ts: 1, data: '{}' });
});

test('When the same event comes in another JSON text, then it decodes to the same envelope', () => {
  const reordered = JSON.stringify({ cursor: expected.cursor, type: 'message', data, ts: expected.ts });
  expect(decodeChannelMessage(reordered)).toEqual(expected);
  // A line break between tokens is valid JSON, but must never reach an SSE `data:` line.
  const multiline = published.replace('"data":{', '"data":{\n').replace('"id"', '\r\n"id"');
  expect(decodeChannelMessage(multiline)).toEqual(expected);
});

test('When a payload is not a well-formed event, then it decodes to nothing', () => {
  for (const payload of [
    published.slice(0, -1),
    published.slice(0, -2),
    published.replace('"message"', '"unknown"'),
    published.replace('1764089912345678:42', '01:42'),
    published.replace('1764089912345678:42', '0:5'),
    published.replace('"ts":1764089912345', '"ts":"1764089912345"'),
    '{"type":"message","cursor":"1:1","ts":1,"data":"a string"}',
    '{"type":"message","cursor":"1:1","ts":1,"data":[1]}',
    '{"type":"message","cursor":"1:1","ts":1}',
    'not json',
    '',
  ]) {
    expect(decodeChannelMessage(payload)).toBeUndefined();
  }
});

test('When an ephemeral event comes in, then it decodes without a cursor', () => {
  const typing = JSON.stringify({ type: 'typing', ts: 5, data: { conversationId: '3', userId: '42' } });
  expect(decodeChannelMessage(typing)).toEqual({ type: 'typing', ts: 5, data: '{"conversationId":"3","userId":"42"}' });
});
