import { createHash } from 'node:crypto';

/**
 * Names for PostgreSQL prepared statements, one per distinct SQL text: with a name, pg
 * parses (and PostgreSQL plans) a query once per connection instead of on every call.
 * The send statement is one large CTE chain, planned in about as long as it takes to
 * run; reusing its plan is what keeps sending as cheap with the outbox as without.
 *
 * Every named statement stays prepared on each connection for the connection's life,
 * so the names are bounded: past `max` distinct texts (queries whose text varies, such
 * as IN lists of every length), queries go unnamed, as before.
 */
export function createStatementNamer(max = 500): (query: { sql: string }) => string {
  const names = new Map<string, string>();
  return ({ sql }) => {
    let name = names.get(sql);
    if (name === undefined && names.size < max) {
      name = `s_${createHash('sha1').update(sql).digest('hex').slice(0, 24)}`;
      names.set(sql, name);
    }
    // The adapter passes the name on to pg, for which undefined means an unnamed statement.
    return name as string;
  };
}
