-- When an alert was created (the event's created_at, else the first state seen): a record built from
-- the alert starts its escalations there, as GitLab's build service does.
ALTER TABLE alert ADD COLUMN created_at timestamptz;
UPDATE alert SET created_at = updated_at;
ALTER TABLE alert ALTER COLUMN created_at SET NOT NULL;

-- A pending escalation that fell due while the status was past its rule, or while the flag was off
-- for the project, is kept and checked again at recheck_at (GitLab's cron checks every minute those
-- up to a month old). held_since: first held because the flag was off.
ALTER TABLE pending_escalation ADD COLUMN recheck_at timestamptz;
ALTER TABLE pending_escalation ADD COLUMN held_since timestamptz;
CREATE INDEX pending_escalation_next_check ON pending_escalation ((COALESCE(recheck_at, process_at)));

-- Incident numbers come from the project's issues counter in import-service now (incidents are
-- issues); the numbers handed out here before are the incidents' own, which IncidentIids keeps above.
DROP TABLE incident_iid_counter;
