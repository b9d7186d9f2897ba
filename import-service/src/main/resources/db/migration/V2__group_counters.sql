-- Counters of groups beside those of projects, as GitLab scopes them (epics, iterations and group
-- milestones are numbered per group): a counter is (scope, scope_id, usage).
ALTER TABLE internal_id RENAME COLUMN project_id TO scope_id;
ALTER TABLE internal_id ADD COLUMN scope varchar(8) NOT NULL DEFAULT 'project' CHECK (scope IN ('project', 'group'));
ALTER TABLE internal_id ALTER COLUMN scope DROP DEFAULT;
ALTER TABLE internal_id DROP CONSTRAINT internal_id_pkey;
ALTER TABLE internal_id ADD PRIMARY KEY (scope, scope_id, usage);

-- The group an import's group-scoped counters belong to, when it named one.
ALTER TABLE import_record ADD COLUMN namespace_id bigint;

-- The importer's own name for an import: the event and the synchronous call for the same import_id
-- (or the event sent twice with two ids) make one record and one reservation.
ALTER TABLE import_record ADD COLUMN import_id varchar(255) UNIQUE;
