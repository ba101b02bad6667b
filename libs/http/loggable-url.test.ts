import { loggableUrl } from './loggable-url';
import { requestQuery } from './request-target';

const JWT = 'eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiI0MiJ9.c2lnbmF0dXJl';

describe('loggableUrl', () => {
  test.each([
    ['token=', `token=${JWT}`],
    ['a percent-encoded name', `%74oken=${JWT}`],
    ['a fully encoded name', `%74%6F%6B%65%6E=${JWT}`],
    ['an array name', `token[]=${JWT}`],
    ['an encoded array name', `token%5B%5D=${JWT}`],
    ['an indexed name', `token[0]=${JWT}`],
    ['a repeated name', `token=a&token=${JWT}`],
    ['access_token', `access_token=${JWT}`],
    ['an encoded access_token', `%61ccess_token=${JWT}`],
    ['upper case', `TOKEN=${JWT}`],
    ['a JWT under another name', `lastEventId=${JWT}`],
    ['a JWT inside a value', `q=Bearer%20${JWT}`],
    ['an encoded value', `token=${encodeURIComponent(JWT)}`],
    ['an OAuth code', 'code=c2lnbmF0dXJl'],
    ['an OAuth state', '%73tate=c2lnbmF0dXJl'],
  ])('When the query carries a token as %s, then the logged URL does not hold it', (_, query) => {
    const logged = loggableUrl(`/api/messages?a=1&${query}&b=2`);
    expect(logged).not.toContain('c2lnbmF0dXJl');
    expect(logged).toContain('[redacted]');
    expect(logged).toContain('a=1');
    expect(logged).toContain('b=2');
  });

  test('When a name reads as the token to the token reader, then it is redacted (one parsing for both)', () => {
    for (const query of ['%74oken=x', 'token=x', 'to%6Ben=x']) {
      expect(requestQuery(`/api/messages?${query}`).get('token')).toBe('x');
      expect(loggableUrl(`/api/messages?${query}`)).toBe('/api/messages?token=[redacted]');
    }
  });

  test('When the URL has no secret, then it is logged as parsed', () => {
    expect(loggableUrl('/api/conversations?limit=5&before=12')).toBe('/api/conversations?limit=5&before=12');
    expect(loggableUrl('/api/usernames?search=a%20b')).toBe('/api/usernames?search=a%20b');
    expect(loggableUrl('/healthz')).toBe('/healthz');
  });

  test('When a path segment is a JWT, an absolute-form target carries credentials, or a fragment is sent, then none of them is logged', () => {
    expect(loggableUrl(`/api/conversations/${JWT}`)).toBe('/api/conversations/[redacted]');
    expect(loggableUrl('http://user:secret@host/api/auth_user?limit=1')).toBe('/api/auth_user?limit=1');
    expect(loggableUrl(`/api/messages#token=${JWT}`)).toBe('/api/messages');
  });
});
