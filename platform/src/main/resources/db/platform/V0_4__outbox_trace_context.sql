-- The W3C trace context of the change that wrote the event: the relay publishes the event in the
-- same trace. Null where tracing was off.
ALTER TABLE outbox_event ADD COLUMN traceparent text, ADD COLUMN tracestate text;
