-- The retention clean-up deletes by age: these keep it from reading whole tables every hour.
CREATE INDEX inbox_event_processed_at ON inbox_event (processed_at);
CREATE INDEX outbox_event_published_at ON outbox_event (published_at) WHERE published_at IS NOT NULL;
