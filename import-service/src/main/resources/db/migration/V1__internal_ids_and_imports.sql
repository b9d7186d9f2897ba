-- import-service: per-project IID counters (GitLab's internal_ids) and the imports seen.

-- The last IID handed out or taken, per project and usage. Never lowered.
CREATE TABLE internal_id (
    project_id bigint      NOT NULL,
    usage      varchar(32) NOT NULL,
    last_value bigint      NOT NULL,
    PRIMARY KEY (project_id, usage)
);

-- Each import start seen (event or synchronous request), and what its reservation did.
CREATE TABLE import_record (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    event_id     text UNIQUE,              -- null for the synchronous endpoint
    project_id   bigint       NOT NULL,
    project_path varchar(255),
    importer     varchar(32),
    user_id      bigint,
    outcome      varchar(16)  NOT NULL,    -- reserved, skipped (flag off) or failed
    reserved     text         NOT NULL,    -- JSON object: usage -> counter after the reservation
    rejected     text         NOT NULL,    -- JSON object: usage -> why the entry was left out
    error        text,
    received_at  timestamptz  NOT NULL
);
CREATE INDEX import_record_project ON import_record (project_id, id);
