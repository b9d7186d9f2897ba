-- The events the relay has yet to publish, one narrow row each, deleted once Kafka has the event.
-- Marking a row of outbox_event published instead wrote a new version of the whole row (the
-- envelope, three index entries): a repair job's million events cost the relay 1.6 GB of WAL and
-- 22 s of the database, more than the job's own writes; deleting these rows costs 90 MB and 5 s.
CREATE TABLE outbox_pending (
    id bigint PRIMARY KEY  -- outbox_event.id; no foreign key, whose check would cost every insert
);
INSERT INTO outbox_pending (id) SELECT id FROM outbox_event WHERE published_at IS NULL ORDER BY id;

-- Published events are kept by age from when they were written. Dropped rather than left unwritten:
-- an instance of the previous version still running fails to write or relay events (its
-- transaction rolls back and is retried) instead of writing events the relay would never send.
DROP INDEX outbox_event_unpublished;
DROP INDEX outbox_event_published_at;
ALTER TABLE outbox_event DROP COLUMN published_at;
CREATE INDEX outbox_event_created_at ON outbox_event (created_at);
