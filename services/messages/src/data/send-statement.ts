/**
 * The send statement, as SQL text with numbered parameters, so the repository, the
 * bench's raw write baseline and its pgbench ceiling run exactly the same statement.
 * Parameters: $1 conversation id, $2 sender id, $3 content, $4 client id (uuid or null).
 * Every parameter carries its cast: a parameter used in several places must infer one
 * type when the statement is prepared.
 *
 * `locked` checks membership and locks the conversation row, so sends to one
 * conversation take turns. The message's time is read with clock_timestamp() after
 * that lock is held (not now(), which is the statement's start): a message is then
 * always newer than every message committed before it, so the pointer only moves
 * forward and a reader's marker never passes a message that commits late.
 * The guard in `moved` still refuses to replace a newer last message, for rows
 * written by anything else.
 *
 * Lock order (message-repository.ts): the conversation row, the sender's participant
 * row, then the counters in ascending user id.
 */
export const SEND_STATEMENT = `
        WITH locked AS (
          SELECT c.id FROM conversations c
          WHERE c.id = $1::bigint
            AND EXISTS (SELECT 1 FROM participants p WHERE p.conversation_id = c.id AND p.user_id = $2::bigint)
          FOR UPDATE
        ), inserted AS (
          INSERT INTO messages (content, user_id, conversation_id, created_at, client_id)
          SELECT $3::text, $2::bigint, locked.id, clock_timestamp(), $4::uuid FROM locked
          ON CONFLICT (user_id, client_id) DO NOTHING
          RETURNING id, content, user_id, conversation_id, created_at
        ), moved AS (
          UPDATE conversations c SET last_message_id = i.id
          FROM inserted i
          WHERE c.id = i.conversation_id
            AND NOT EXISTS (
              SELECT 1 FROM messages last
              WHERE last.id = c.last_message_id AND (last.created_at, last.id) > (i.created_at, i.id))
        ), marked AS (
          UPDATE participants p SET messages_read_at = GREATEST(p.messages_read_at, i.created_at)
          FROM inserted i
          WHERE p.conversation_id = i.conversation_id AND p.user_id = $2::bigint
          RETURNING p.conversation_id
        ), counted AS (
          INSERT INTO event_counters AS counter (user_id, last_seq)
          SELECT p.user_id, 1 FROM marked JOIN participants p ON p.conversation_id = marked.conversation_id
          ORDER BY p.user_id
          ON CONFLICT (user_id) DO UPDATE SET last_seq = counter.last_seq + 1
          RETURNING counter.user_id, counter.last_seq
        ), queued AS (
          INSERT INTO outbox_events (user_id, seq, type, message_id)
          SELECT counted.user_id, counted.last_seq, 'message', i.id FROM counted, inserted i
        )
        SELECT i.id, i.content, i.user_id, i.conversation_id, i.created_at FROM inserted i`;

/**
 * The name it is prepared under on each connection (pg's named statements): parsed and
 * planned once per connection, not on every send. The statement is one large CTE chain,
 * planned in about as long as it takes to run.
 */
export const SEND_STATEMENT_NAME = 'send_message';

/** The statement's row, as pg returns it (int8 as text): the message stored (none when nothing was). */
export interface SentMessageRow {
  id: string;
  content: string;
  user_id: string;
  conversation_id: string;
  created_at: Date;
}
