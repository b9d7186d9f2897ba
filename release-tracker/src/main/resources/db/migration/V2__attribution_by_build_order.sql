-- Attribution by the packages' build order, worked out outside the consumer's transaction, and
-- notes sent without a transaction open during the call to GitLab.

-- Each package keeps its own diff against the package built before it (among those deployed to the
-- reference environment); a file is introduced by the earliest package, in build order, whose diff
-- adds it. Recomputing one package never touches another's rows.
ALTER TABLE post_migration DROP CONSTRAINT post_migration_pkey;
ALTER TABLE post_migration ADD PRIMARY KEY (package_id, path);
DROP INDEX post_migration_package;
CREATE INDEX post_migration_path ON post_migration (path);

CREATE VIEW introduced_post_migration AS
SELECT DISTINCT ON (pm.path) pm.path, pm.file_name, pm.package_id
FROM post_migration pm JOIN package p ON p.id = pm.package_id
ORDER BY pm.path, p.built_at, p.version;

-- States: unknown (not deployed to the reference environment), pending (deployed there, to be
-- worked out in the background), baseline, listed, computed, error (retried at retry_at).
-- claimed_until: a worker (of any instance) is working it out until then.
ALTER TABLE package ADD COLUMN claimed_until timestamptz;
ALTER TABLE package ADD COLUMN resolved_at timestamptz;
DROP INDEX package_retry;
CREATE INDEX package_to_resolve ON package (built_at, version) WHERE post_migrations_state IN ('pending', 'error');
-- What V1 worked out compared each package with the one deployed before it, in arrival order, and
-- gave a file to whichever package recorded it first: work every such package out again, by build
-- order (only a deployment to the reference environment ever set these states). Notes that turn
-- out wrong are corrected.
UPDATE package SET post_migrations_state = 'pending', retry_at = NULL
WHERE post_migrations_state IN ('baseline', 'computed', 'error');

-- When the package last finished deploying there (a redeploy, a rollback to it); deployed_at stays the first time.
ALTER TABLE deployment ADD COLUMN last_deployed_at timestamptz;
UPDATE deployment SET last_deployed_at = deployed_at;
ALTER TABLE deployment ALTER COLUMN last_deployed_at SET NOT NULL;
CREATE INDEX deployment_last ON deployment (environment, last_deployed_at);

-- A note's files (one a line) as the body lists them, its revision (raised by each correction, so
-- that a send that raced a correction is sent again), the release issue it is on, and the claim of
-- the sender working on it.
ALTER TABLE release_note ADD COLUMN files text NOT NULL DEFAULT '';
ALTER TABLE release_note ADD COLUMN revision int NOT NULL DEFAULT 1;
ALTER TABLE release_note ADD COLUMN issue_iid bigint;
ALTER TABLE release_note ADD COLUMN claimed_until timestamptz;
ALTER TABLE release_note ADD COLUMN corrected_at timestamptz;
-- The marker by which a note posted but not recorded is found on the issue (see ReleaseNotes.marker).
UPDATE release_note n SET body = n.body || E'\n<!-- release-tracker package ' || p.version || E' -->\n'
FROM package p WHERE p.id = n.package_id;
UPDATE release_note SET files = array_to_string(ARRAY(
    SELECT substring(line FROM 4 FOR length(line) - 4) FROM regexp_split_to_table(body, E'\n') AS line
    WHERE line LIKE '- `%`'), E'\n');
