-- incident-service: alerts, incidents, their escalation status, policies, paging and the repair job.
-- Statuses are GitLab's codes: triggered 0, acknowledged 1, resolved 2, ignored 3.

CREATE TABLE escalation_policy (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id  bigint       NOT NULL UNIQUE,  -- one policy per project, as in GitLab
    name        varchar(72)  NOT NULL,
    description varchar(160),
    created_at  timestamptz  NOT NULL DEFAULT now()
);

CREATE TABLE escalation_rule (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    policy_id            bigint   NOT NULL REFERENCES escalation_policy (id) ON DELETE CASCADE,
    position             int      NOT NULL,
    status               smallint NOT NULL CHECK (status IN (1, 2)),
    elapsed_time_seconds int      NOT NULL CHECK (elapsed_time_seconds BETWEEN 0 AND 86400),
    user_id              bigint,
    oncall_schedule_id   bigint,
    CHECK ((user_id IS NULL) <> (oncall_schedule_id IS NULL))
);
CREATE INDEX escalation_rule_policy ON escalation_rule (policy_id);

CREATE TABLE incident (
    id           bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id   bigint       NOT NULL,
    iid          bigint       NOT NULL,
    project_path varchar(255),
    title        varchar(255) NOT NULL,
    severity     varchar(16)  NOT NULL,
    created_at   timestamptz  NOT NULL,
    UNIQUE (project_id, iid)
);

-- The last incident IID handed out per project.
CREATE TABLE incident_iid_counter (
    project_id bigint PRIMARY KEY,
    last_value bigint NOT NULL
);

CREATE TABLE alert (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    project_id           bigint       NOT NULL,
    iid                  bigint       NOT NULL,
    project_path         varchar(255),
    title                varchar(255) NOT NULL,
    status               smallint     NOT NULL,
    severity             varchar(16)  NOT NULL,
    escalation_policy_id bigint REFERENCES escalation_policy (id) ON DELETE SET NULL,
    incident_id          bigint REFERENCES incident (id),
    updated_at           timestamptz  NOT NULL,
    UNIQUE (project_id, iid)
);
CREATE INDEX alert_incident ON alert (incident_id);

CREATE TABLE escalation_status (
    incident_id            bigint PRIMARY KEY REFERENCES incident (id) ON DELETE CASCADE,
    status                 smallint NOT NULL,
    policy_id              bigint REFERENCES escalation_policy (id) ON DELETE SET NULL,
    escalations_started_at timestamptz,
    resolved_at            timestamptz,
    updated_at             timestamptz NOT NULL
);

CREATE TABLE pending_escalation (
    id          bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id bigint      NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
    rule_id     bigint      NOT NULL REFERENCES escalation_rule (id) ON DELETE CASCADE,
    process_at  timestamptz NOT NULL
);
CREATE INDEX pending_escalation_due ON pending_escalation (process_at);
CREATE INDEX pending_escalation_incident ON pending_escalation (incident_id);

CREATE TABLE incident_page (
    id                   bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    incident_id          bigint      NOT NULL REFERENCES incident (id) ON DELETE CASCADE,
    policy_id            bigint      NOT NULL,
    rule_status          smallint    NOT NULL,
    elapsed_time_seconds int         NOT NULL,
    user_id              bigint,
    oncall_schedule_id   bigint,
    paged_at             timestamptz NOT NULL
);
CREATE INDEX incident_page_incident ON incident_page (incident_id);

-- The repair job: resumable from last_incident_id after a crash.
CREATE TABLE backfill_job (
    id               bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    state            varchar(16) NOT NULL,
    rebuild          boolean     NOT NULL,
    total            bigint      NOT NULL DEFAULT 0,
    done             bigint      NOT NULL DEFAULT 0,
    created          bigint      NOT NULL DEFAULT 0,
    last_incident_id bigint      NOT NULL DEFAULT 0,
    error            text,
    created_at       timestamptz NOT NULL,
    updated_at       timestamptz NOT NULL
);
