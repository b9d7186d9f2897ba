package com.gitlab.ops.faults;

import java.time.Duration;
import java.time.LocalDate;
import java.util.ArrayList;
import java.util.List;

/** The suite's printed result: what was sent, applied, lost, doubled and dead-lettered, per service. */
final class Summary {

    record Row(String service, int instances, long sent, long applied, long lost, long doubled, long deadLettered, long outboxEvents,
            long outboxConsumed, long outboxRedelivered, int kills, int restarts, boolean readinessWentDown, double readyAgainSeconds) {
    }

    private final LocalDate date;
    private final long seed;
    private final int events;
    private final FaultInjectionTest.FaultLog faults;
    private final Duration brokerOutage;
    private final Duration databaseOutage;
    private final List<Row> rows = new ArrayList<>();
    private long requests;
    private long serverErrors;
    private long serverErrorsDuringOutage;
    private long whileStopping;
    private String relayFault = "";
    private final List<String> checks = new ArrayList<>();

    Summary(LocalDate date, long seed, int events, FaultInjectionTest.FaultLog faults, Duration brokerOutage, Duration databaseOutage) {
        this.brokerOutage = brokerOutage;
        this.databaseOutage = databaseOutage;
        this.date = date;
        this.seed = seed;
        this.events = events;
        this.faults = faults;
    }

    void row(Row row) {
        rows.add(row);
    }

    /** A line on what two instances of a service must not do twice (page, hand out an IID, post a note). */
    void check(String line) {
        checks.add(line);
    }

    void http(long requests, long serverErrors, long serverErrorsDuringOutage, long whileStopping) {
        this.whileStopping = whileStopping;
        this.requests = requests;
        this.serverErrors = serverErrors;
        this.serverErrorsDuringOutage = serverErrorsDuringOutage;
    }

    /** The forced double send: the relay of {@code service} halted after sending its {@code batch}-th batch, before marking it. */
    void relayFault(String service, int batch, boolean fired) {
        Row row = rows.stream().filter(r -> r.service().equals(service)).findFirst().orElseThrow();
        relayFault = fired
                ? String.format("Forced double send: %s halted after its relay sent batch %d and before it marked it; %d outbox events reached "
                        + "the topic twice in all, and a consumer de-duplicating by event id saw %d of %d rows once each%n", service, batch,
                        row.outboxRedelivered(), row.outboxConsumed(), row.outboxEvents())
                : String.format("Forced double send: did NOT happen (%s was killed before its relay's fault point fired)%n", service);
    }

    List<Row> rows() {
        return rows;
    }

    void print() {
        System.out.println(this);
    }

    @Override
    public String toString() {
        StringBuilder out = new StringBuilder();
        out.append(String.format("Fault injection, %s: %d events per service, two instances each, 2 SIGKILLs per instance and a rolling "
                + "restart, %s, a %d s database outage (seed %d)%n%n",
                date, events, brokerOutage.isZero() ? "a broker restart" : "the broker down for " + brokerOutage.toSeconds() + " s",
                databaseOutage.toSeconds(), seed));
        out.append(String.format("%-17s %9s %8s %8s %5s %7s %13s %12s %13s %11s %6s %8s %10s %9s%n", "service", "instances", "sent", "applied",
                "lost", "doubled", "dead-lettered", "outbox rows", "consumed once", "redelivered", "kills", "restarts", "ready DOWN",
                "UP after"));
        for (Row r : rows) {
            out.append(String.format("%-17s %9d %8d %8d %5d %7d %13d %12d %13d %11d %6d %8d %10s %8.1fs%n", r.service(), r.instances(), r.sent(),
                    r.applied(), r.lost(), r.doubled(), r.deadLettered(), r.outboxEvents(), r.outboxConsumed(), r.outboxRedelivered(), r.kills(),
                    r.restarts(), r.readinessWentDown() ? "yes" : "NO", r.readyAgainSeconds()));
        }
        out.append(String.format("%n"));
        checks.forEach(line -> out.append(line).append('\n'));
        out.append(String.format("%nHTTP reads during the flow: %d; 5xx: %d, besides %d answers 503 (retry later) while the database was cut off "
                + "and %d from instances stopping gracefully%n", requests, serverErrors, serverErrorsDuringOutage, whileStopping));
        out.append(String.format("%n")).append(relayFault);
        out.append(String.format("%nTimeline:%n"));
        faults.lines().forEach(line -> out.append("  ").append(line).append('\n'));
        return out.toString();
    }
}
