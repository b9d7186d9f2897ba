-- A direct-transfer group entity is imported on its own, with no project: its record names only
-- the group whose counters (epics, iterations, group milestones) it reserves.
ALTER TABLE import_record ALTER COLUMN project_id DROP NOT NULL;
ALTER TABLE import_record ADD CONSTRAINT import_record_project_or_group CHECK (project_id IS NOT NULL OR namespace_id IS NOT NULL);
CREATE INDEX import_record_namespace ON import_record (namespace_id, id);
