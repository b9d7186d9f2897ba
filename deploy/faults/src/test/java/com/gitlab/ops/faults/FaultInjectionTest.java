package com.gitlab.ops.faults;

import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import com.gitlab.ops.testing.KafkaBroker;
import com.gitlab.ops.testing.PostgresDatabase;
import com.gitlab.ops.testing.TcpProxy;
import com.gitlab.ops.testing.UnleashServer;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;

/**
 * The fault-injection suite: the three services as real processes, on their own broker, their own
 * databases behind a proxy that can cut them off, and the real Unleash. While {@code faults.events}
 * events per service flow, each service is killed with SIGKILL three times at random moments and
 * restarted, the broker is restarted, and the database is cut off for 30 s. Then every event must have
 * its effect exactly once, every outbox event must have reached its topic, and no good event may be
 * dead-lettered.
 *
 * <p>Run it with {@code ./mvnw verify -Pfaults} ({@code -Dfaults.events=10000} for a quick run,
 * {@code -Dfaults.seed=N} to replay a schedule). Logs of every process are in
 * {@code deploy/faults/target/fault-logs}.
 */
class FaultInjectionTest {

    private static final Duration FLOW = Duration.ofSeconds(150);
    /** How long the database is cut off, from 60 s on (-Dfaults.database-outage, ISO-8601: PT10M). */
    private static final Duration OUTAGE = Duration.parse(System.getProperty("faults.database-outage", "PT30S"));
    /** How long the broker stays down from 45 s on; zero: stopped and started again at once (-Dfaults.broker-outage). */
    private static final Duration BROKER_OUTAGE = Duration.parse(System.getProperty("faults.broker-outage", "PT0S"));
    private static final String PREALLOCATE_FLAG = "importer_preallocate_iids";
    /** The service whose outbox relay halts between a batch's send and its mark, and at which batch (early in the flow). */
    private static final String RELAY_FAULT_SERVICE = "incident-service";
    private static final int RELAY_FAULT_BATCH = 2;
    private static final String FAULT_POINT_LOG = "Fault point platform.outbox.fault.halt-after-send";

    @Test
    void nothingIsLostOrDoubledUnderCrashesABrokerRestartAndADatabaseOutage() throws Exception {
        int events = Integer.getInteger("faults.events", 100_000);
        long seed = Long.getLong("faults.seed", 0L) != 0 ? Long.getLong("faults.seed") : System.currentTimeMillis();
        Random random = new Random(seed);
        Path root = Path.of(System.getProperty("repository.root", "../.."));
        Path logs = Files.createDirectories(root.resolve("deploy/faults/target/fault-logs"));
        List<Workload> workloads = List.of(Workload.alerts(), Workload.deploys(), Workload.imports());
        FaultLog faults = new FaultLog();
        faults.note("seed " + seed + ", " + events + " events per service over " + FLOW.toSeconds() + " s");

        KafkaBroker broker = KafkaBroker.startNew();
        List<String> topics = new ArrayList<>();
        for (String topic : List.of("alerts", "incident-escalations", "incident-pages", "deploys", "imports", "import-events")) {
            topics.add(topic);
            topics.add(topic + ".dlq");
        }
        broker.createTopics(topics);
        UnleashServer unleash = UnleashServer.shared();
        unleash.admin().createFlag(PREALLOCATE_FLAG);
        unleash.admin().enable(PREALLOCATE_FLAG);

        Map<Workload, PostgresDatabase> databases = new LinkedHashMap<>();
        Map<Workload, ServiceProcess> services = new LinkedHashMap<>();
        try (TcpProxy database = new TcpProxy(PostgresDatabase.host(), PostgresDatabase.port());
                OutboxReader outboxReader = new OutboxReader(broker.bootstrapServers(), List.of("incident-escalations", "import-events"))) {
            for (Workload workload : workloads) {
                PostgresDatabase db = PostgresDatabase.create("faults_" + workload.service());
                databases.put(workload, db);
                ServiceProcess service = new ServiceProcess(workload.service(), root, logs, Map.of(
                        "KAFKA_BOOTSTRAP_SERVERS", broker.bootstrapServers(),
                        "DATABASE_HOST", "127.0.0.1", "DATABASE_PORT", Integer.toString(database.port()),
                        "DATABASE_USER", PostgresDatabase.user(), "DATABASE_PASSWORD", PostgresDatabase.password(),
                        "DATABASE_NAME", db.name(),
                        "UNLEASH_URL", unleash.url(), "UNLEASH_TOKEN", unleash.clientToken(),
                        "ADMIN_PASSWORD", "faults-admin"));
                // incident-service starts with the relay's fault point: it dies after sending its
                // RELAY_FAULT_BATCH-th batch of outbox events and before marking them published.
                service.start(workload.service().equals(RELAY_FAULT_SERVICE)
                        ? Map.of("PLATFORM_OUTBOX_FAULT_HALT_AFTER_SEND", Integer.toString(RELAY_FAULT_BATCH)) : Map.of());
                services.put(workload, service);
            }
            outboxReader.start();

            // The flow, and the faults while it runs.
            AtomicBoolean inOutage = new AtomicBoolean();
            HttpProbes probes = new HttpProbes(services.values(), workloads.stream().map(Workload::probePath).toList(), inOutage);
            probes.start();
            EventProducer producer = new EventProducer(broker.bootstrapServers());
            // The load runs on its own threads; each fault is scheduled for its moment of the flow.
            // One thread per workload, and one that restarts the service halted by the relay's fault point.
            ExecutorService load = Executors.newFixedThreadPool(workloads.size() + 1);
            ScheduledExecutorService faultSchedule = Executors.newScheduledThreadPool(2);
            List<Future<?>> running = new ArrayList<>();
            faults.note("flow starts: " + events + " events per service");
            for (Workload workload : workloads) {
                running.add(load.submit(() -> {
                    producer.send(workload, events, FLOW);
                    return null;
                }));
            }
            ServiceProcess relayFault = services.values().stream().filter(s -> s.name().equals(RELAY_FAULT_SERVICE)).findFirst().orElseThrow();
            Process withFaultPoint = relayFault.process();
            AtomicBoolean relayFaultFired = new AtomicBoolean();
            running.add(load.submit(() -> {
                if (!withFaultPoint.waitFor(10, TimeUnit.MINUTES)) {
                    return null; // never halted: the assertion below says so
                }
                // Halted by the fault point (it says so in its log), not killed by the schedule.
                if (Files.readString(relayFault.log()).contains(FAULT_POINT_LOG) && relayFault.restartIfStill(withFaultPoint)) {
                    relayFaultFired.set(true);
                    faults.note(RELAY_FAULT_SERVICE + " halted by the relay's fault point (a batch sent, not marked), restarted and ready");
                }
                return null;
            }));
            List<ScheduledExecutorService> killSchedules = new ArrayList<>();
            for (ServiceProcess service : services.values()) {
                // Three kills at random moments, each in its own window, clear of the broker's and the
                // database's outages (from 45 s and 60 s on): a service cannot start without them.
                // One thread per service, so that a kill waits for the restart before it.
                ScheduledExecutorService kills = Executors.newSingleThreadScheduledExecutor();
                killSchedules.add(kills);
                // After the outages, clear of the 10 s in which every service must be ready again by itself.
                long clear = Math.max(45 + BROKER_OUTAGE.toSeconds(), 60 + OUTAGE.toSeconds()) + 15;
                // The service whose relay halts at its fault point early in the flow is killed only after
                // the outages: a kill before the halt would leave no double send forced, and a kill held
                // until the halt could land in an outage, where no service can start.
                long early = service == relayFault ? clear + 55 + random.nextInt(20) : 5 + random.nextInt(35);
                for (long second : new long[] {early, clear + random.nextInt(20), clear + 27 + random.nextInt(25)}) {
                    running.add(kills.schedule(() -> {
                        service.killAndRestart();
                        faults.note(service.name() + " killed (SIGKILL), restarted and ready");
                        return null;
                    }, second, TimeUnit.SECONDS));
                }
            }
            if (BROKER_OUTAGE.isZero()) {
                running.add(faultSchedule.schedule(() -> {
                    faults.note("broker stopping");
                    broker.restart();
                    faults.note("broker restarted");
                    return null;
                }, 45, TimeUnit.SECONDS));
            } else {
                running.add(faultSchedule.schedule(() -> {
                    faults.note("broker stopping for " + BROKER_OUTAGE.toSeconds() + " s");
                    broker.stop();
                    return null;
                }, 45, TimeUnit.SECONDS));
                running.add(faultSchedule.schedule(() -> {
                    broker.startAgain();
                    faults.note("broker back");
                    return null;
                }, 45 + BROKER_OUTAGE.toSeconds(), TimeUnit.SECONDS));
            }
            Map<String, Boolean> wentDown = new ConcurrentHashMap<>();
            Map<String, Double> upAgainAfter = new ConcurrentHashMap<>();
            running.add(faultSchedule.schedule(() -> {
                faults.note("database cut off");
                inOutage.set(true);
                database.cut();
                long cutAt = System.nanoTime();
                // Through the outage, every half second: has each service's readiness gone DOWN?
                await("the database outage").atMost(OUTAGE.plusSeconds(10)).pollInterval(Duration.ofMillis(500)).until(() -> {
                    for (ServiceProcess service : services.values()) {
                        if (service.readiness() == 503) {
                            wentDown.put(service.name(), true);
                        }
                    }
                    return System.nanoTime() - cutAt >= OUTAGE.toNanos();
                });
                database.restore();
                faults.note("database back");
                long restoredAt = System.nanoTime();
                for (ServiceProcess service : services.values()) {
                    await(service.name() + " ready again").atMost(Duration.ofSeconds(90)).pollInterval(Duration.ofMillis(250))
                            .until(() -> service.readiness() == 200);
                    upAgainAfter.put(service.name(), (System.nanoTime() - restoredAt) / 1e9);
                }
                inOutage.set(false);
                faults.note("every service ready again");
                return null;
            }, 60, TimeUnit.SECONDS));
            for (Future<?> task : running) {
                task.get(30, TimeUnit.MINUTES);
            }
            load.shutdown();
            faultSchedule.shutdown();
            killSchedules.forEach(ExecutorService::shutdown);

            // Everything sent is applied, then counted.
            Map<Workload, Long> applied = new LinkedHashMap<>();
            for (Workload workload : workloads) {
                await(workload.service() + " applying all " + events + " events").atMost(Duration.ofMinutes(15))
                        .pollInterval(Duration.ofSeconds(2))
                        .until(() -> count(databases.get(workload), workload.appliedSql()) >= events);
                applied.put(workload, count(databases.get(workload), workload.appliedSql()));
            }
            Map<Workload, Long> outboxRows = new LinkedHashMap<>();
            for (Workload workload : workloads) {
                if (workload.outTopic() != null) {
                    long rows = count(databases.get(workload), "SELECT count(*) FROM outbox_event");
                    outboxRows.put(workload, rows);
                    await(workload.outTopic() + " receiving all " + rows + " outbox events").atMost(Duration.ofMinutes(10))
                            .pollInterval(Duration.ofSeconds(1))
                            .until(() -> outboxReader.distinct(workload.outTopic()) >= rows);
                }
            }
            probes.stop();

            Summary summary = new Summary(LocalDate.now(), seed, events, faults, BROKER_OUTAGE, OUTAGE);
            for (Workload workload : workloads) {
                PostgresDatabase db = databases.get(workload);
                summary.row(workload.service(), events, applied.get(workload), Math.max(0, events - applied.get(workload)),
                        count(db, workload.doubledSql()), OutboxReader.records(broker.bootstrapServers(), workload.topic() + ".dlq"),
                        outboxRows.getOrDefault(workload, 0L),
                        workload.outTopic() == null ? 0 : outboxReader.distinct(workload.outTopic()),
                        workload.outTopic() == null ? 0 : outboxReader.redelivered(workload.outTopic()),
                        services.get(workload).kills(), wentDown.getOrDefault(workload.service(), false),
                        upAgainAfter.getOrDefault(workload.service(), Double.NaN));
                assertTrue(outboxReader.ids(workload.outTopic()).containsAll(ids(db, workload.outTopic())),
                        workload.service() + ": an outbox event never reached " + workload.outTopic());
            }
            summary.http(probes.requests(), probes.serverErrorsOutsideOutage(), probes.serverErrorsDuringOutage());
            summary.relayFault(RELAY_FAULT_SERVICE, RELAY_FAULT_BATCH, relayFaultFired.get());
            summary.print();
            Files.writeString(logs.resolve("summary.txt"), summary.toString());

            for (Summary.Row row : summary.rows()) {
                assertEquals(0, row.lost(), row.service() + " lost events");
                assertEquals(0, row.doubled(), row.service() + " applied events twice");
                assertEquals(0, row.deadLettered(), row.service() + " dead-lettered good events");
                assertEquals(3, row.kills(), row.service() + " was not killed three times");
                assertTrue(row.readinessWentDown(), row.service() + "'s readiness did not go DOWN while the database was gone");
                assertTrue(row.readyAgainSeconds() < 10, row.service() + " was not ready again by itself within 10 s of the database's return");
            }
            assertEquals(0, probes.serverErrorsOutsideOutage(), "5xx answers other than a 503 during the database outage");
            assertTrue(relayFaultFired.get(), RELAY_FAULT_SERVICE + " was killed before its relay's fault point fired: no double send was forced");
            Summary.Row forced = summary.rows().stream().filter(r -> r.service().equals(RELAY_FAULT_SERVICE)).findFirst().orElseThrow();
            assertTrue(forced.outboxRedelivered() > 0, "the relay's fault point sent no event twice");
            assertEquals(forced.outboxEvents(), forced.outboxConsumed(), "a consumer de-duplicating by id saw each event once");
        } finally {
            for (ServiceProcess service : services.values()) {
                service.stop();
            }
            databases.values().forEach(PostgresDatabase::drop);
        }
    }

    private static long count(PostgresDatabase db, String sql) throws SQLException {
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), PostgresDatabase.user(), PostgresDatabase.password());
                Statement s = c.createStatement(); ResultSet r = s.executeQuery(sql)) {
            r.next();
            return r.getLong(1);
        }
    }

    private static Set<String> ids(PostgresDatabase db, String topic) throws SQLException {
        Set<String> ids = new HashSet<>();
        if (topic == null) {
            return ids;
        }
        try (Connection c = DriverManager.getConnection(db.jdbcUrl(), PostgresDatabase.user(), PostgresDatabase.password());
                Statement s = c.createStatement(); ResultSet r = s.executeQuery("SELECT event_id FROM outbox_event")) {
            while (r.next()) {
                ids.add(r.getString(1));
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
