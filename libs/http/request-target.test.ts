import { requestPath, requestQuery } from './request-target';
import { STREAM_PATH } from '#libs/contract';
import { isStreamPath } from './stream-path';

describe('requestPath', () => {
  test('When the target is in origin or absolute form, then the path is its raw path, not decoded or normalised', () => {
    expect(requestPath('/api/messages?token=x')).toBe('/api/messages');
    expect(requestPath('http://host:8080/api/messages?x')).toBe('/api/messages');
    expect(requestPath('http://host')).toBe('/');
    expect(requestPath('//api/messages')).toBe('//api/messages');
    expect(requestPath('/api/%6Dessages')).toBe('/api/%6Dessages');
    expect(requestPath('/api/messages#x?y')).toBe('/api/messages');
  });
});

describe('requestQuery', () => {
  test('When the query has encoded names or a fragment, then it is read as URLSearchParams reads it, the fragment left out', () => {
    expect(requestQuery('/x?%74oken=a&b=1').get('token')).toBe('a');
    expect(requestQuery('/x#?token=a').get('token')).toBeNull();
    expect(requestQuery('/x?token=a#b=1').get('b')).toBeNull();
  });
});

describe('isStreamPath', () => {
  test('When the path is exactly the stream path, with any query, then it is the stream; every other spelling is not', () => {
    expect(isStreamPath(STREAM_PATH)).toBe(true);
    expect(isStreamPath(`${STREAM_PATH}?token=x`)).toBe(true);
    expect(isStreamPath(`http://host${STREAM_PATH}`)).toBe(true);
    for (const other of ['/api/messages/', '//api/messages', '/api/messages%2F', '/API/messages', '/api/messages/.']) {
      expect({ other, stream: isStreamPath(other) }).toEqual({ other, stream: false });
    }
  });
});
