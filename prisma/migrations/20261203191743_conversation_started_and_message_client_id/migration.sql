-- AlterTable
ALTER TABLE "messages" ADD COLUMN     "client_id" UUID;

-- AlterTable
ALTER TABLE "participants" ADD COLUMN     "started" BOOLEAN NOT NULL DEFAULT false;

-- CreateIndex
CREATE UNIQUE INDEX "messages_user_id_client_id_key" ON "messages"("user_id", "client_id");
