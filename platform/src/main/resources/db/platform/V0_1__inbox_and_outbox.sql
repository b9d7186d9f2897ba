-- Platform tables every service has. Versions 0.x belong to the platform, 1 and up to the service,
-- so both sets live in one Flyway history.

-- Events already applied, per topic: claimed in the same transaction as their effect.
CREATE TABLE inbox_event (
    topic        text        NOT NULL,
    event_id     text        NOT NULL,
    event_type   text        NOT NULL,
    processed_at timestamptz NOT NULL DEFAULT now(),
    PRIMARY KEY (topic, event_id)
);

-- Events written with the change they describe, relayed to Kafka after commit in id order.
CREATE TABLE outbox_event (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     uuid        NOT NULL UNIQUE,
    topic        text        NOT NULL,
    message_key  text,
    event_type   text        NOT NULL,
    envelope     text        NOT NULL,  -- text: kept byte for byte as it is published
    created_at   timestamptz NOT NULL,
    published_at timestamptz
);

CREATE INDEX outbox_event_unpublished ON outbox_event (id) WHERE published_at IS NULL;
