-- release-tracker: auto-deploy packages, where they are deployed, the post-migrations each one
-- introduced, where those have run, and the notes posted on release issues.

CREATE TABLE package (
    id                     bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    version                varchar(128) NOT NULL UNIQUE,
    release                varchar(16)  NOT NULL,
    built_at               timestamptz  NOT NULL,
    gitlab_commit          char(11)     NOT NULL,
    omnibus_commit         char(11)     NOT NULL,
    -- What the package introduced: unknown (not deployed to the reference environment yet),
    -- baseline (the first seen there), listed (from the event), computed (from Git), or error.
    post_migrations_state  varchar(16)  NOT NULL DEFAULT 'unknown',
    post_migrations_error  text,
    -- The package deployed to the reference environment before this one: what it is compared with.
    compared_with          bigint REFERENCES package (id),
    retry_at               timestamptz,
    attempts               int          NOT NULL DEFAULT 0,
    first_seen_at          timestamptz  NOT NULL
);
CREATE INDEX package_release ON package (release, built_at);
CREATE INDEX package_retry ON package (retry_at) WHERE post_migrations_state = 'error';

-- The last state of each job of a package on an environment.
CREATE TABLE deploy_job (
    package_id   bigint       NOT NULL REFERENCES package (id),
    environment  varchar(64)  NOT NULL,
    job          varchar(128) NOT NULL,
    status       varchar(16)  NOT NULL,
    finished_at  timestamptz  NOT NULL,
    pipeline_id  bigint,
    PRIMARY KEY (package_id, environment, job)
);

-- A package counts as deployed to an environment once every required job succeeded there.
CREATE TABLE deployment (
    package_id  bigint      NOT NULL REFERENCES package (id),
    environment varchar(64) NOT NULL,
    deployed_at timestamptz NOT NULL,
    PRIMARY KEY (package_id, environment)
);
CREATE INDEX deployment_environment ON deployment (environment, deployed_at);

-- Post-deploy migration files and the package that introduced each.
CREATE TABLE post_migration (
    path        text   PRIMARY KEY,
    file_name   text   NOT NULL,
    package_id  bigint NOT NULL REFERENCES package (id)
);
CREATE INDEX post_migration_file_name ON post_migration (file_name);
CREATE INDEX post_migration_package ON post_migration (package_id);

-- The post-deploy migrations pipeline ran on an environment with a package: every post-migration
-- introduced up to that package has run there.
CREATE TABLE post_migrations_run (
    environment varchar(64) NOT NULL,
    package_id  bigint      NOT NULL REFERENCES package (id),
    executed_at timestamptz NOT NULL,
    PRIMARY KEY (environment, package_id)
);

-- One note per package on its release's issue; sent to GitLab when an API is configured.
CREATE TABLE release_note (
    id             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    package_id     bigint      NOT NULL UNIQUE REFERENCES package (id),
    release        varchar(16) NOT NULL,
    body           text        NOT NULL,
    state          varchar(16) NOT NULL,  -- kept (no GitLab API configured), pending, posted
    attempts       int         NOT NULL DEFAULT 0,
    last_error     text,
    next_attempt_at timestamptz,
    gitlab_note_id bigint,
    created_at     timestamptz NOT NULL,
    posted_at      timestamptz
);
CREATE INDEX release_note_release ON release_note (release, id);
CREATE INDEX release_note_pending ON release_note (next_attempt_at) WHERE state = 'pending';
