import { createStatementNamer } from './statement-names';

describe('prepared statement names', () => {
  test('When the same SQL comes again, then it gets the same name, and other SQL another', () => {
    const name = createStatementNamer();
    const first = name({ sql: 'SELECT 1' });
    expect(first).toMatch(/^s_[0-9a-f]{24}$/);
    expect(name({ sql: 'SELECT 1' })).toBe(first);
    expect(name({ sql: 'SELECT 2' })).not.toBe(first);
  });

  test('When more distinct texts than the bound come, then the rest go unnamed (not prepared), and known ones keep their names', () => {
    const name = createStatementNamer(2);
    const [a, b] = [name({ sql: 'a' }), name({ sql: 'b' })];
    expect(name({ sql: 'c' })).toBeUndefined();
    expect([name({ sql: 'a' }), name({ sql: 'b' })]).toEqual([a, b]);
  });
});
