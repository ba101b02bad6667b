-- CreateTable
CREATE TABLE "event_counters" (
    "user_id" BIGINT NOT NULL,
    "last_seq" BIGINT NOT NULL,

    CONSTRAINT "event_counters_pkey" PRIMARY KEY ("user_id")
);

-- CreateTable
CREATE TABLE "outbox_events" (
    "user_id" BIGINT NOT NULL,
    "seq" BIGINT NOT NULL,
    "type" TEXT NOT NULL,
    "message_id" BIGINT,
    "conversation_id" BIGINT,
    "actor_id" BIGINT,
    "read_at" TIMESTAMPTZ(3),
    "created_at" TIMESTAMPTZ(3) NOT NULL DEFAULT clock_timestamp(),

    CONSTRAINT "outbox_events_pkey" PRIMARY KEY ("user_id","seq")
);

-- AddForeignKey
ALTER TABLE "event_counters" ADD CONSTRAINT "event_counters_user_id_fkey" FOREIGN KEY ("user_id") REFERENCES "users"("id") ON DELETE CASCADE ON UPDATE CASCADE;
