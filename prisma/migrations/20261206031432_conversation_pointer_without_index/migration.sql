-- The last-message pointer moves on every send: without an index on it the update can
-- be HOT (no new entry in any of the row's indexes), and without the foreign key the
-- send no longer checks messages for the id it has just inserted. Messages are only
-- deleted with their sender, whose conversations are deleted with them. No data changes.

-- DropForeignKey
ALTER TABLE "conversations" DROP CONSTRAINT "conversations_last_message_id_fkey";

-- DropIndex
DROP INDEX "conversations_last_message_id_key";
