-- The unique index on (user_id, client_id) already serves lookups by user_id alone (it
-- leads): the index on user_id was one more entry written by every send. No data changes.

-- DropIndex
DROP INDEX "messages_user_id_idx";
