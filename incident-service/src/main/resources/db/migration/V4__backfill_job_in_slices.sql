-- The repair job runs in slices of the incident id range, one worker each, so that a million
-- incidents use every core of the database (one worker used one). A slice keeps its own progress,
-- as GitLab's batched background migration jobs keep their min and max values.
CREATE TABLE backfill_slice (
    job_id bigint NOT NULL REFERENCES admin_job (id) ON DELETE CASCADE,
    slice int NOT NULL,
    -- The slice resumes after this incident id, up to up_to (NULL: to the last incident).
    last_incident_id bigint NOT NULL,
    up_to bigint,
    done boolean NOT NULL DEFAULT false,
    PRIMARY KEY (job_id, slice)
);
CREATE INDEX backfill_slice_running ON backfill_slice (job_id, slice) WHERE NOT done;

-- A job this upgrade finds running goes on from its progress as one slice.
INSERT INTO backfill_slice (job_id, slice, last_incident_id)
SELECT id, 0, last_incident_id FROM admin_job WHERE kind = 'escalation_status_backfill' AND state = 'running';
-- admin_job.last_incident_id stays for now: instances of the previous release still write it during a
-- rolling deploy (GitLab drops a column only a release after the code stops using it). A job both
-- releases work on at once is still right: the repair only creates records that are missing.
COMMENT ON COLUMN admin_job.last_incident_id IS 'unused since V4 (backfill_slice); to be dropped in a later release';
