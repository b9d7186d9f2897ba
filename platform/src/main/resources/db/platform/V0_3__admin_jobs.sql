-- Admin jobs: work an admin starts that runs in the background (a dead-letter replay, a repair),
-- with its progress at /admin/jobs/{id}. A service may add columns of its own kind's.
CREATE TABLE admin_job (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    kind        varchar(64) NOT NULL,
    state       varchar(16) NOT NULL,   -- running, done, failed
    done        bigint      NOT NULL DEFAULT 0,
    total       bigint      NOT NULL DEFAULT 0,
    -- What the kind reports beside done and total (a replay's replayed and skipped), as JSON.
    details     jsonb       NOT NULL DEFAULT '{}',
    error       text,
    created_at  timestamptz NOT NULL,
    -- Moved by every step of a running job: one that stops moving was cut off (its instance died).
    updated_at  timestamptz NOT NULL
);
CREATE INDEX admin_job_running ON admin_job (kind, id) WHERE state = 'running';
