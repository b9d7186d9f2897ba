package com.gitlab.ops.faults;

import com.gitlab.ops.testing.CloudEvents;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.time.temporal.ChronoUnit;
import java.util.List;
import java.util.Map;
import java.util.function.IntFunction;
import org.apache.kafka.clients.producer.ProducerRecord;

/**
 * What the suite sends one service, and how it counts the effects in that service's database.
 *
 * @param event       the n-th event (n from 0): every one distinct, so that each has its own effect
 * @param appliedSql  how many events have their effect
 * @param doubledSql  effects beyond one per event (a second incident for one alert, a second event
 *                    out for one change, ...)
 * @param outTopics   where its outbox publishes
 * @param probePath   a read the suite keeps making during the flow, counting 5xx answers
 */
record Workload(String service, String topic, IntFunction<ProducerRecord<String, String>> event, String appliedSql, String doubledSql,
        List<String> outTopics, String probePath) {

    /** Projects of the alerts, each with an escalation policy. */
    static final List<Long> ALERT_PROJECTS = java.util.stream.LongStream.range(1000, 1100).boxed().toList();
    /** Every this many deploy events, a pair deploys a package to the reference environment, with its post-migrations. */
    static final int REFERENCE_EVERY = 200;

    private static final Instant START = Instant.parse("2026-01-01T00:00:00Z");
    /**
     * Alerts are from the last days, one a second (100,000 fit in two days): escalations count from an
     * alert's time, and one a month past due is no longer checked (GitLab's processable scope), so
     * alerts from {@link #START} would page no one.
     */
    private static final Instant ALERTS_FROM = Instant.now().truncatedTo(ChronoUnit.SECONDS).minus(Duration.ofDays(2));
    private static final DateTimeFormatter PACKAGE_TIME = DateTimeFormatter.ofPattern("yyyyMMddHHmm").withZone(ZoneOffset.UTC);

    /**
     * Alerts that each create an incident under its project's escalation policy: alert, incident,
     * escalation status record and one event out each, and pages as the policy's rules fall due.
     *
     * @param policies each project's escalation policy, known once incident-service runs
     */
    static Workload alerts(Map<Long, Long> policies) {
        return new Workload("incident-service", "alerts", n -> {
            long project = ALERT_PROJECTS.get(n % ALERT_PROJECTS.size());
            return new ProducerRecord<>("alerts", Long.toString(project), CloudEvents.envelope(CloudEvents.newId(), "alert.updated", Map.of(
                    "project_id", project, "alert_iid", n / ALERT_PROJECTS.size() + 1, "title", "Alert " + n,
                    "status", n % 3 == 0 ? "acknowledged" : "triggered", "escalation_policy_id", policies.get(project),
                    "create_incident", true, "updated_at", ALERTS_FROM.plusSeconds(n).toString())));
        },
                "SELECT count(*) FROM alert a JOIN escalation_status s ON s.incident_id = a.incident_id",
                """
                SELECT greatest(0, (SELECT count(*) FROM incident) - (SELECT count(DISTINCT incident_id) FROM alert))
                     + greatest(0, (SELECT count(*) FROM outbox_event WHERE topic = 'incident-escalations') - (SELECT count(*) FROM incident))""",
                List.of("incident-escalations", "incident-pages"), "/api/projects/1000/incidents/1");
    }

    /**
     * Deploy jobs, one job row each: mostly of distinct packages on a non-reference environment; every
     * {@link #REFERENCE_EVERY} events, a package's two required jobs on the reference environment with
     * the post-migration it adds, so that a note is due on the release issue for it.
     */
    static Workload deploys() {
        return new Workload("release-tracker", "deploys", n -> {
            boolean reference = n % REFERENCE_EVERY < 2;
            int built = reference ? n - n % REFERENCE_EVERY : n;
            String pkg = "17.6." + PACKAGE_TIME.format(START.plusSeconds(60L * built)) + "-" + String.format("%011x", built) + "."
                    + String.format("%011x", built * 7L);
            Map<String, Object> data = new java.util.HashMap<>(Map.of("package", pkg, "environment", reference ? "gstg-cny" : "gprd",
                    "job", reference && n % REFERENCE_EVERY == 1 ? "wait:omnibus" : "wait:helm", "status", "success",
                    "finished_at", START.plusSeconds(60L * n + 30).toString()));
            if (reference) {
                data.put("post_migrations", List.of("db/post_migrate/" + PACKAGE_TIME.format(START.plusSeconds(60L * built)) + "00_fault_suite_"
                        + built + ".rb"));
            }
            return new ProducerRecord<>("deploys", pkg, CloudEvents.envelope(CloudEvents.newId(), "deploy.job.finished", data));
        },
                "SELECT count(*) FROM deploy_job",
                "SELECT count(*) - count(DISTINCT (package_id, environment, job)) FROM deploy_job",
                List.of(), "/api/releases/17.6/post-migrations");
    }

    /** Imports of distinct projects while importer_preallocate_iids is on: a reservation and one event out each. */
    static Workload imports() {
        return new Workload("import-service", "imports", n -> {
            long project = 100_000 + n;
            return new ProducerRecord<>("imports", Long.toString(project), CloudEvents.envelope(CloudEvents.newId(), "import.started", Map.of(
                    "project_id", project, "project_path", "group/project-" + n, "importer", "github", "user_id", 1,
                    "max_iids", Map.of("issues", n % 1000 + 1, "merge_requests", n % 500 + 1))));
        },
                "SELECT count(*) FROM import_record WHERE outcome = 'reserved'",
                """
                SELECT (SELECT count(*) - count(DISTINCT event_id) FROM import_record)
                     + greatest(0, (SELECT count(*) FROM outbox_event) - (SELECT count(*) FROM import_record))""",
                List.of("import-events"), "/api/imports?project_id=100000");
    }
}
