-- The repair job becomes an admin job like the dead-letter replay, so that /admin/jobs/{id} answers
-- for both from one table (platform V0_3); its own figures stay columns of its own.
ALTER TABLE admin_job ADD COLUMN rebuild boolean NOT NULL DEFAULT false;
ALTER TABLE admin_job ADD COLUMN created bigint NOT NULL DEFAULT 0;
ALTER TABLE admin_job ADD COLUMN last_incident_id bigint NOT NULL DEFAULT 0;
INSERT INTO admin_job (id, kind, state, done, total, error, created_at, updated_at, rebuild, created, last_incident_id)
OVERRIDING SYSTEM VALUE
SELECT id, 'escalation_status_backfill', state, done, total, error, created_at, updated_at, rebuild, created, last_incident_id
FROM backfill_job;
SELECT setval(pg_get_serial_sequence('admin_job', 'id'), (SELECT coalesce(max(id), 0) + 1 FROM admin_job), false);
DROP TABLE backfill_job;
