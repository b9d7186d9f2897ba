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
-- rolling deploy (GitLab drops a column only a release after the code stops using it), and a job one
-- of them starts then is taken on by the new release as one slice from it (adoptJobsWithoutSlices).
-- The old instances also work any running job from last_incident_id: start no repair job while the
-- deploy that brings this migration runs (it would come out right, only slower, its counts off).
COMMENT ON COLUMN admin_job.last_incident_id IS 'the progress of jobs started by the release before V4 (backfill_slice since); to be dropped in a later release';
