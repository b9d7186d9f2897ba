package com.gitlab.ops.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.gitlab.ops.testing.ChildProcesses;
import com.gitlab.ops.testing.KafkaBroker;
import com.gitlab.ops.testing.PostgresDatabase;
import com.gitlab.ops.testing.TcpProxy;
import com.gitlab.ops.testing.UnleashServer;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The fault-injection suite: the three services, two instances of each, as real processes on their
 * own broker, their own databases behind a proxy that can cut them off, and the real Unleash. While
 * {@code faults.events} events per service flow, every instance is killed with SIGKILL twice at
 * random moments and restarted, every service gets a rolling restart (one instance stopped and
 * started, then the other), the broker is restarted (or kept down, {@code faults.broker-outage}), and
 * the database is cut off ({@code faults.database-outage}). Meanwhile users ask import-service for
 * IIDs through both instances, escalations fall due and page, and release-tracker posts notes to a
 * stand-in for GitLab. Then every event must have its effect exactly once, every outbox event must
 * have reached its topic, in order per key, no good event may be dead-lettered, and no page, IID or
 * note may have been given twice.
 *
 * <p>Run it with {@code ./mvnw verify -Pfaults} ({@code -Dfaults.events=100000} for a heavier run,
 * {@code -Dfaults.seed=N} to replay a schedule). Logs of every process are in
 * {@code deploy/faults/target/fault-logs}.
 */
class FaultInjectionTest {

    private static final Duration FLOW = Duration.ofSeconds(150);
    private static final int INSTANCES = 2;
    /**
     * When the broker and the database fail, seconds into the flow: after the first kills' restarts,
     * which take up to a minute on two busy cores (a service cannot start without either).
     */
    private static final int BROKER_AT = 120;
    private static final int DATABASE_AT = 135;
    /** How long the database is cut off, from DATABASE_AT on (-Dfaults.database-outage, ISO-8601: PT10M). */
    private static final Duration OUTAGE = Duration.parse(System.getProperty("faults.database-outage", "PT30S"));
    /** How long the broker stays down from BROKER_AT on; zero: stopped and started again at once (-Dfaults.broker-outage). */
    private static final Duration BROKER_OUTAGE = Duration.parse(System.getProperty("faults.broker-outage", "PT0S"));
    private static final List<String> FLAGS = List.of("importer_preallocate_iids", "incident_escalations", "post_deploy_migrations_note");
    /** The instance whose outbox relay halts between a batch's send and its mark, and at which batch (early in the flow). */
    private static final String RELAY_FAULT_SERVICE = "incident-service";
    private static final int RELAY_FAULT_BATCH = 2;
    private static final String FAULT_POINT_LOG = "Fault point platform.outbox.fault.halt-after-send";
    /** The relay's batch: at most one batch is sent again per process that dies between a send and its mark. */
    private static final int RELAY_BATCH = 500;
    private static final HttpClient HTTP = HttpClient.newHttpClient();
    private static final ObjectMapper JSON = new ObjectMapper();

    @Test
    void nothingIsLostOrDoubledUnderCrashesRollingRestartsABrokerRestartAndADatabaseOutage() throws Exception {
        int events = Integer.getInteger("faults.events", 10_000);
        long seed = Long.getLong("faults.seed", 0L) != 0 ? Long.getLong("faults.seed") : System.currentTimeMillis();
        Random random = new Random(seed);
        Path root = Path.of(System.getProperty("repository.root", "../.."));
        Path logs = Files.createDirectories(root.resolve("deploy/faults/target/fault-logs"));
        Map<Long, Long> policies = new ConcurrentHashMap<>();
        List<Workload> workloads = List.of(Workload.alerts(policies), Workload.deploys(), Workload.imports());
        FaultLog faults = new FaultLog();
        faults.note("seed " + seed + ", " + events + " events per service over " + FLOW.toSeconds() + " s, " + INSTANCES
                + " instances per service");

        KafkaBroker broker = KafkaBroker.startNew();
        List<String> topics = new ArrayList<>();
        for (String topic : List.of("alerts", "incident-escalations", "incident-pages", "deploys", "imports", "import-events")) {
            topics.add(topic);
            topics.add(topic + ".dlq");
        }
        broker.createTopics(topics);
        UnleashServer unleash = UnleashServer.shared();
        for (String flag : FLAGS) {
            unleash.admin().createFlag(flag);
            unleash.admin().enable(flag);
        }
        List<String> outTopics = workloads.stream().flatMap(w -> w.outTopics().stream()).toList();

        // While the broker or the database is down, a service that is started exits and is started again.
        PartsDown partsDown = new PartsDown();
        Map<Workload, PostgresDatabase> databases = new LinkedHashMap<>();
        Map<Workload, List<ServiceProcess>> services = new LinkedHashMap<>();
        int[] ports = ChildProcesses.freePorts(workloads.size() * INSTANCES);
        try (TcpProxy database = new TcpProxy(PostgresDatabase.host(), PostgresDatabase.port());
                FakeGitLab gitlab = new FakeGitLab();
                OutboxReader outboxReader = new OutboxReader(broker.bootstrapServers(), outTopics)) {
            for (Workload workload : workloads) {
                PostgresDatabase db = PostgresDatabase.create("faults_" + workload.service());
                databases.put(workload, db);
                Map<String, String> env = new HashMap<>(Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                        "DATABASE_HOST", "127.0.0.1", "DATABASE_PORT", Integer.toString(database.port()),
                        "DATABASE_USER", PostgresDatabase.user(), "DATABASE_PASSWORD", PostgresDatabase.password(),
                        "DATABASE_NAME", db.name(),
                        "UNLEASH_URL", unleash.url(), "UNLEASH_TOKEN", unleash.clientToken(),
                        "ADMIN_PASSWORD", "faults-admin"));
                // release-tracker posts its notes to the stand-in for GitLab; a note claimed by an
                // instance that was killed is taken by another after 20 s rather than 5 minutes.
                env.putAll(Map.of("RELEASE_TRACKER_GITLAB_URL", gitlab.url(), "RELEASE_TRACKER_GITLAB_PROJECT", FakeGitLab.PROJECT,
                        "RELEASE_TRACKER_CLAIM_LEASE", "20s"));
                // incident-service numbers incidents with import-service's issues counter: its first instance.
                int importService = workloads.stream().map(Workload::service).toList().indexOf("import-service");
                env.put("IMPORT_SERVICE_URL", "http://127.0.0.1:" + ports[importService * INSTANCES]);
                List<ServiceProcess> instances = new ArrayList<>();
                for (int i = 1; i <= INSTANCES; i++) {
                    ServiceProcess instance = new ServiceProcess(workload.service(), i, ports[services.size() * INSTANCES + i - 1], root, logs, env,
                            partsDown);
                    // incident-service#1 starts with the relay's fault point: it dies after sending its
                    // RELAY_FAULT_BATCH-th batch of outbox events and before marking them published.
                    instance.start(instance.id().equals(RELAY_FAULT_SERVICE + "#1")
                            ? Map.of("PLATFORM_OUTBOX_FAULT_HALT_AFTER_SEND", Integer.toString(RELAY_FAULT_BATCH)) : Map.of());
                    instances.add(instance);
                }
                services.put(workload, instances);
            }
            List<ServiceProcess> everyInstance = services.values().stream().flatMap(List::stream).toList();
            createPolicies(services.get(workloads.get(0)).get(1), policies);
            outboxReader.start();

            // The flow, and the faults while it runs.
            AtomicBoolean inOutage = new AtomicBoolean();
            List<String> probePaths = new ArrayList<>();
            services.forEach((workload, instances) -> instances.forEach(instance -> probePaths.add(workload.probePath())));
            HttpProbes probes = new HttpProbes(everyInstance, probePaths, inOutage);
            probes.start();
            IidRequests iids = new IidRequests(services.get(workloads.get(2)));
            iids.start();
            EventProducer producer = new EventProducer(broker.bootstrapServers());
            // The load runs on its own threads; each fault is scheduled for its moment of the flow.
            // One thread per workload, and one that restarts the instance halted by the relay's fault point.
            ExecutorService load = Executors.newFixedThreadPool(workloads.size() + 1);
            ScheduledExecutorService faultSchedule = Executors.newScheduledThreadPool(2 + workloads.size());
            List<Future<?>> running = new ArrayList<>();
            faults.note("flow starts: " + events + " events per service");
            for (Workload workload : workloads) {
                running.add(load.submit(() -> {
                    producer.send(workload, events, FLOW);
                    return null;
                }));
            }
            ServiceProcess relayFault = everyInstance.stream().filter(s -> s.id().equals(RELAY_FAULT_SERVICE + "#1")).findFirst().orElseThrow();
            Process withFaultPoint = relayFault.process();
            AtomicBoolean relayFaultFired = new AtomicBoolean();
            running.add(load.submit(() -> {
                if (!withFaultPoint.waitFor(10, TimeUnit.MINUTES)) {
                    return null; // never halted: the assertion below says so
                }
                // Halted by the fault point (it says so in its log), not killed by the schedule.
                if (Files.readString(relayFault.log()).contains(FAULT_POINT_LOG) && relayFault.restartIfStill(withFaultPoint)) {
                    relayFaultFired.set(true);
                    faults.note(relayFault.id() + " halted by the relay's fault point (a batch sent, not marked), restarted and ready");
                }
                return null;
            }));
            // After the outages (a service cannot start without its database and broker), clear of the
            // 10 s in which every service must be ready again by itself.
            long clear = Math.max(BROKER_AT + BROKER_OUTAGE.toSeconds(), DATABASE_AT + OUTAGE.toSeconds()) + 15;
            List<ScheduledExecutorService> killSchedules = new ArrayList<>();
            // Each instance has its own slot, 7 s apart, for its kill before the outages and its kill
            // after them: a restart takes the CPU a busy instance needs, and six at once took a minute.
            List<ServiceProcess> slots = new ArrayList<>(everyInstance);
            Collections.shuffle(slots, random);
            for (ServiceProcess instance : everyInstance) {
                // One thread per instance, so that a kill waits for the restart before it. The instance
                // whose relay halts at its fault point early in the flow is killed only after the
                // outages: a kill before the halt would leave no double send forced.
                ScheduledExecutorService kills = Executors.newSingleThreadScheduledExecutor();
                killSchedules.add(kills);
                int slot = slots.indexOf(instance);
                long early = instance == relayFault ? clear + 7L * slots.size() + random.nextInt(4) : 3 + 7L * slot + random.nextInt(4);
                for (long second : new long[] {early, clear + 7L * slot + random.nextInt(4)}) {
                    running.add(kills.schedule(() -> {
                        instance.killAndRestart();
                        faults.note(instance.id() + " killed (SIGKILL), restarted and ready");
                        return null;
                    }, second, TimeUnit.SECONDS));
                }
            }
            int service = 0;
            for (List<ServiceProcess> instances : services.values()) {
                // A rolling restart, as a deployment does it: each instance stopped gracefully and
                // started again, one after the other; one service after another.
                running.add(faultSchedule.schedule(() -> {
                    for (ServiceProcess instance : instances) {
                        instance.restart();
                        faults.note(instance.id() + " stopped (SIGTERM) and started again: rolling restart");
                    }
                    return null;
                }, clear + 7L * slots.size() + 20 + 45L * service++ + random.nextInt(10), TimeUnit.SECONDS));
            }
            if (BROKER_OUTAGE.isZero()) {
                running.add(faultSchedule.schedule(() -> {
                    faults.note("broker stopping");
                    partsDown.down();
                    broker.restart();
                    partsDown.back();
                    faults.note("broker restarted");
                    return null;
                }, BROKER_AT, TimeUnit.SECONDS));
            } else {
                running.add(faultSchedule.schedule(() -> {
                    faults.note("broker stopping for " + BROKER_OUTAGE.toSeconds() + " s");
                    partsDown.down();
                    broker.stop();
                    return null;
                }, BROKER_AT, TimeUnit.SECONDS));
                running.add(faultSchedule.schedule(() -> {
                    broker.startAgain();
                    partsDown.back();
                    faults.note("broker back");
                    return null;
                }, BROKER_AT + BROKER_OUTAGE.toSeconds(), TimeUnit.SECONDS));
            }
            Map<String, Boolean> wentDown = new ConcurrentHashMap<>();
            Map<String, Double> upAgainAfter = new ConcurrentHashMap<>();
            running.add(faultSchedule.schedule(() -> {
                // Measured on the instances that were up when the database went: one being started
                // then (a kill's restart) starts again once it is back, which is not "by itself".
                List<ServiceProcess> upAtCut = everyInstance.stream().filter(ServiceProcess::running).toList();
                faults.note("database cut off");
                inOutage.set(true);
                partsDown.down();
                database.cut();
                long cutAt = System.nanoTime();
                // Through the outage, every half second: has each instance's readiness gone DOWN?
                await("the database outage").atMost(OUTAGE.plusSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    for (ServiceProcess instance : upAtCut) {
                        if (instance.readiness() == 503) {
                            wentDown.put(instance.id(), true);
                        }
                    }
                    return System.nanoTime() - cutAt >= OUTAGE.toNanos();
                });
                database.restore();
                partsDown.back();
                faults.note("database back");
                long restoredAt = System.nanoTime();
                AtomicBoolean dumped = new AtomicBoolean();
                await("every instance up at the cut ready again").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                        .until(() -> {
                            for (ServiceProcess instance : upAtCut) {
                                if (!upAgainAfter.containsKey(instance.id()) && instance.readiness() == 200) {
                                    upAgainAfter.put(instance.id(), (System.nanoTime() - restoredAt) / 1e9);
                                }
                            }
                            if (System.nanoTime() - restoredAt > Duration.ofSeconds(10).toNanos() && dumped.compareAndSet(false, true)) {
                                // Not ready 10 s after the database's return: what its threads are doing, for the logs.
                                upAtCut.stream().filter(i -> !upAgainAfter.containsKey(i.id()))
                                        .forEach(i -> i.dumpThreads("not ready 10 s after the database's return"));
                            }
                            return upAgainAfter.size() == upAtCut.size();
                        });
                inOutage.set(false);
                faults.note("every instance that was up at the cut ready again (" + upAtCut.size() + " of " + everyInstance.size() + ")");
                return null;
            }, DATABASE_AT, TimeUnit.SECONDS));
            for (Future<?> task : running) {
                task.get(30, TimeUnit.MINUTES);
            }
            load.shutdown();
            faultSchedule.shutdown();
            killSchedules.forEach(ExecutorService::shutdown);
            iids.stop();

            // Everything sent is applied, then counted.
            Map<Workload, Long> applied = new LinkedHashMap<>();
            for (Workload workload : workloads) {
                await(workload.service() + " applying all " + events + " events").atMost(Duration.ofMinutes(15))
                        .pollInterval(Duration.ofSeconds(2))
                        .until(() -> count(databases.get(workload), workload.appliedSql()) >= events);
                applied.put(workload, count(databases.get(workload), workload.appliedSql()));
            }
            // Every due escalation fired (pages are outbox events too), every note sent.
            PostgresDatabase incidents = databases.get(workloads.get(0));
            // An escalation whose rule the status already meets (an acknowledged incident's "acknowledged
            // within 1 s") is kept for a move back to triggered, as GitLab keeps it: only the others must go.
            await("every due escalation firing").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> count(incidents, """
                            SELECT count(*) FROM pending_escalation p JOIN escalation_rule r ON r.id = p.rule_id
                            JOIN escalation_status s ON s.incident_id = p.incident_id WHERE s.status < r.status""") == 0);
            long keptEscalations = count(incidents, "SELECT count(*) FROM pending_escalation");
            PostgresDatabase releases = databases.get(workloads.get(1));
            await("every release note posted").atMost(Duration.ofMinutes(5)).pollInterval(Duration.ofSeconds(1))
                    .until(() -> count(releases, "SELECT count(*) FROM release_note WHERE state <> 'posted'") == 0);
            Map<Workload, Long> outboxRows = new LinkedHashMap<>();
            for (Workload workload : workloads) {
                long rows = 0;
                for (String topic : workload.outTopics()) {
                    long topicRows = count(databases.get(workload), "SELECT count(*) FROM outbox_event WHERE topic = '" + topic + "'");
                    rows += topicRows;
                    await(topic + " receiving all " + topicRows + " outbox events").atMost(Duration.ofMinutes(10))
                            .pollInterval(Duration.ofSeconds(1))
                            .until(() -> outboxReader.distinct(topic) >= topicRows);
                }
                outboxRows.put(workload, rows);
            }
            probes.stop();

            Summary summary = new Summary(LocalDate.now(), seed, events, faults, BROKER_OUTAGE, OUTAGE);
            for (Workload workload : workloads) {
                PostgresDatabase db = databases.get(workload);
                List<ServiceProcess> instances = services.get(workload);
                summary.row(new Summary.Row(workload.service(), instances.size(), events, applied.get(workload),
                        Math.max(0, events - applied.get(workload)), count(db, workload.doubledSql()),
                        OutboxReader.records(broker.bootstrapServers(), workload.topic() + ".dlq"), outboxRows.get(workload),
                        workload.outTopics().stream().mapToLong(outboxReader::distinct).sum(),
                        workload.outTopics().stream().mapToLong(outboxReader::redelivered).sum(),
                        instances.stream().mapToInt(ServiceProcess::kills).sum(), instances.stream().mapToInt(ServiceProcess::restarts).sum(),
                        instances.stream().filter(i -> upAgainAfter.containsKey(i.id())).allMatch(i -> wentDown.getOrDefault(i.id(), false)),
                        instances.stream().filter(i -> upAgainAfter.containsKey(i.id())).mapToDouble(i -> upAgainAfter.get(i.id())).max()
                                .orElse(Double.NaN)));
                for (String topic : workload.outTopics()) {
                    assertTrue(outboxReader.ids(topic).containsAll(eventIds(db, topic).keySet()),
                            workload.service() + ": an outbox event never reached " + topic);
                }
            }

            // What two instances must never do twice.
            long acknowledged = (events + 2) / 3;
            long duePages = 2 * (events - acknowledged) + acknowledged; // triggered: both rules; acknowledged: the resolved rule
            long pages = count(incidents, "SELECT count(*) FROM incident_page");
            long pagedTwice = count(incidents,
                    "SELECT count(*) - count(DISTINCT (incident_id, rule_status, elapsed_time_seconds)) FROM incident_page");
            summary.check(String.format("Pages (incident-service): %d sent for %d escalations due, %d paged twice; %d kept for %d acknowledged "
                    + "incidents", pages, duePages, pagedTwice, keptEscalations, acknowledged));
            long escalationsOutOfOrder = outboxReader.outOfOrder("incident-escalations", eventIds(incidents, "incident-escalations"));
            summary.check(String.format("Outbox order (incident-service): %d of the incident-escalations events of %d projects out of "
                    + "their outbox order", escalationsOutOfOrder, outboxReader.keys("incident-escalations")));
            summary.check(String.format("IIDs (import-service): %d handed out (%s), %d twice; %d requests unanswered (kills, restarts, outage)",
                    iids.handedOut(), iids.perInstance(), iids.handedOutTwice(), iids.unanswered()));
            Map<String, Integer> posts = gitlab.postsPerPackage();
            long notes = count(releases, "SELECT count(*) FROM release_note");
            long postedTwice = posts.values().stream().mapToLong(n -> n - 1L).sum();
            summary.check(String.format("Notes (release-tracker): %d notes on the release issue for %d packages, %d posted twice, %d edited",
                    posts.values().stream().mapToLong(Integer::longValue).sum(), notes, postedTwice, gitlab.edits()));
            List<ServiceProcess> all = services.values().stream().flatMap(List::stream).toList();
            summary.check(String.format("Starts that failed while the broker or the database was down, tried again once it was back: %d",
                    all.stream().mapToInt(ServiceProcess::crashedOnStart).sum()));
            summary.http(probes.requests(), probes.serverErrorsOutsideOutage(), probes.serverErrorsDuringOutage(), probes.whileStopping());
            summary.relayFault(RELAY_FAULT_SERVICE, RELAY_FAULT_BATCH, relayFaultFired.get());
            summary.print();
            Files.writeString(logs.resolve("summary.txt"), summary.toString());

            for (Summary.Row row : summary.rows()) {
                assertEquals(0, row.lost(), row.service() + " lost events");
                assertEquals(0, row.doubled(), row.service() + " applied events twice");
                assertEquals(0, row.deadLettered(), row.service() + " dead-lettered good events");
                assertEquals(2 * INSTANCES, row.kills(), row.service() + ": not every instance was killed twice");
                assertEquals(INSTANCES, row.restarts(), row.service() + ": the rolling restart did not restart every instance");
                assertTrue(row.readinessWentDown(), row.service() + ": an instance's readiness did not go DOWN while the database was gone");
                assertTrue(row.readyAgainSeconds() < 10, row.service() + " was not ready again by itself within 10 s of the database's return");
                // Only a process that died between a relay batch's send and its mark sends that batch again:
                // two relays at once would send far more.
                assertTrue(row.outboxRedelivered() <= (long) RELAY_BATCH * (row.kills() + 1),
                        row.service() + ": " + row.outboxRedelivered() + " outbox events sent twice, more than its deaths can explain");
            }
            assertEquals(duePages, pages, "pages sent, one per due escalation");
            assertEquals(acknowledged, keptEscalations, "escalations kept: one per acknowledged incident, its acknowledged rule");
            assertEquals(0, pagedTwice, "an escalation paged twice");
            assertEquals(0, escalationsOutOfOrder, "incident-escalations events out of their order per key");
            assertTrue(iids.handedOut() > 0 && iids.perInstance().values().stream().allMatch(n -> n > 0),
                    "every import-service instance handed out IIDs: " + iids.perInstance());
            assertEquals(0, iids.handedOutTwice(), "an IID handed out twice");
            for (long project : IidRequests.PROJECTS) {
                assertTrue(lastIid(services.get(workloads.get(2)).get(0), project) >= iids.highest(project),
                        "project " + project + "'s counter is below an IID it handed out");
            }
            assertTrue(notes >= events / Workload.REFERENCE_EVERY - 1, "a note for every package deployed to gstg-cny but the first");
            assertEquals(notes, posts.size(), "a note on the release issue for each package: " + posts.keySet());
            assertEquals(0, postedTwice, "a note posted twice: " + posts);
            assertEquals(0, probes.serverErrorsOutsideOutage(), "5xx answers other than a 503 during the database outage");
            assertTrue(relayFaultFired.get(), relayFault.id() + " was killed before its relay's fault point fired: no double send was forced");
            Summary.Row forced = summary.rows().stream().filter(r -> r.service().equals(RELAY_FAULT_SERVICE)).findFirst().orElseThrow();
            assertTrue(forced.outboxRedelivered() > 0, "the relay's fault point sent no event twice");
            assertEquals(forced.outboxEvents(), forced.outboxConsumed(), "a consumer de-duplicating by id saw each event once");
        } finally {
            for (ServiceProcess instance : services.values().stream().flatMap(List::stream).toList()) {
                instance.stop();
            }
            databases.values().forEach(PostgresDatabase::drop);
        }
    }

    /** One policy per alert project, paging a user once an incident is not acknowledged within 1 s, and a schedule unless resolved in 5 s. */
    private static void createPolicies(ServiceProcess incidentService, Map<Long, Long> policies) throws Exception {
        for (long project : Workload.ALERT_PROJECTS) {
            String body = JSON.writeValueAsString(Map.of("name", "Fault suite " + project, "rules", List.of(
                    Map.of("status", "acknowledged", "elapsed_time_seconds", 1, "user_id", 1),
                    Map.of("status", "resolved", "elapsed_time_seconds", 5, "oncall_schedule_id", 7))));
            HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                    URI.create(incidentService.baseUrl() + "/api/projects/" + project + "/escalation-policies"))
                    .header("Content-Type", "application/json").POST(HttpRequest.BodyPublishers.ofString(body)).build(),
                    HttpResponse.BodyHandlers.ofString());
            assertEquals(201, response.statusCode(), "creating an escalation policy: " + response.body());
            policies.put(project, JSON.readTree(response.body()).path("id").asLong());
        }
    }

    private static long lastIid(ServiceProcess importService, long project) throws Exception {
        HttpResponse<String> response = HTTP.send(HttpRequest.newBuilder(
                URI.create(importService.baseUrl() + "/api/projects/" + project + "/iids/issues")).build(), HttpResponse.BodyHandlers.ofString());
        return JSON.readTree(response.body()).path("last_value").asLong();
    }

    private static long count(PostgresDatabase db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), PostgresDatabase.user(), PostgresDatabase.password());
                Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    /** The outbox's event ids for a topic, each with its row id: the order the relay keeps per key. */
    private static Map<String, Long> eventIds(PostgresDatabase db, String topic) throws SQLException {
        Map<String, Long> ids = new HashMap<>();
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), PostgresDatabase.user(), PostgresDatabase.password());
                PreparedStatement s = c.prepareStatement("SELECT event_id, id FROM outbox_event WHERE topic = ?")) {
            s.setString(1, topic);
            try (ResultSet r = s.executeQuery()) {
                while (r.next()) {
                    ids.put(r.getString(1), r.getLong(2));
                }
            }
        }
        return ids;
    }

    /** What happened when, printed with the summary. */
    static final class FaultLog {
        private final long start = System.nanoTime();
        private final List<String> lines = Collections.synchronizedList(new ArrayList<>());

        void note(String what) {
            String line = String.format("%6.1f s  %s", (System.nanoTime() - start) / 1e9, what);
            lines.add(line);
            System.out.println("[faults] " + line);
        }

        List<String> lines() {
            return List.copyOf(lines);
        }
    }
}
