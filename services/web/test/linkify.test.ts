import { splitLinks } from '../src/client/linkify';
import { compareIds } from '../src/client/ordering';

describe('Linkifying message text', () => {
  test('When a message contains http and https URLs, then they become links and the rest stays text', () => {
    expect(splitLinks('see https://example.com/a?b=1, or http://x.org.')).toEqual([
      { kind: 'text', text: 'see ' },
      { kind: 'link', text: 'https://example.com/a?b=1', href: 'https://example.com/a?b=1' },
      { kind: 'text', text: ', or ' },
      { kind: 'link', text: 'http://x.org', href: 'http://x.org/' },
      { kind: 'text', text: '.' },
    ]);
  });

  test('When a message contains javascript:, data: or markup, then it all stays plain text', () => {
    for (const text of [
      'javascript:alert(1)',
      'data:text/html,<script>alert(1)</script>',
      '<a href="ftp://x.org">x</a>',
    ]) {
      expect(splitLinks(text)).toEqual([{ kind: 'text', text }]);
    }
  });

  test('When a URL is followed by markup characters, then the link stops before them', () => {
    const parts = splitLinks('<img src="https://x.org/a.png" onerror=alert(1)>');
    const links = parts.filter((part) => part.kind === 'link');
    expect(links).toEqual([{ kind: 'link', text: 'https://x.org/a.png', href: 'https://x.org/a.png' }]);
    expect(parts.map((part) => part.text).join('')).toBe('<img src="https://x.org/a.png" onerror=alert(1)>');
  });
});

describe('Ids', () => {
  test('When ids of different lengths are compared, then they compare as numbers', () => {
    expect(compareIds('9', '10')).toBeLessThan(0);
    expect(compareIds('100', '99')).toBeGreaterThan(0);
    expect(compareIds('42', '42')).toBe(0);
  });
});
