package com.gitlab.ops.release.watch;

import com.gitlab.ops.platform.work.PollingWorker;
import com.gitlab.ops.release.pkg.AutoDeployPackage;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;

/**
 * What an operator watches so that a stuck note or an unknown package is seen: packages per
 * post-migrations state ({@code release_tracker_packages{state}}), notes waiting to be sent and the
 * age of the oldest ({@code release_tracker_notes_pending}, {@code release_tracker_notes_oldest_pending_seconds}).
 * Read from the database every few seconds rather than at each scrape, so that a scrape never waits
 * on it.
 */
@ApplicationScoped
public class TrackerGauges {

    private static final List<String> STATES = List.of(AutoDeployPackage.UNKNOWN, AutoDeployPackage.PENDING, AutoDeployPackage.BASELINE,
            AutoDeployPackage.LISTED, AutoDeployPackage.COMPUTED, AutoDeployPackage.ERROR);

    private final Map<String, AtomicLong> packages = new LinkedHashMap<>();
    private final AtomicLong notesPending = new AtomicLong();
    private final AtomicLong oldestPendingSeconds = new AtomicLong();
    private final EntityManager em;
    private final Clock clock;
    private final PollingWorker worker;

    public TrackerGauges(EntityManager em, MeterRegistry registry, Clock clock) {
        this.em = em;
        this.clock = clock;
        // A registry can outlive this bean (Quarkus keeps it across application restarts in one test
        // JVM), and a gauge registered again would go on reading the old bean's values: replace them.
        for (String name : List.of("release.tracker.packages", "release.tracker.notes.pending", "release.tracker.notes.oldest.pending.seconds")) {
            registry.find(name).gauges().forEach(registry::remove);
        }
        STATES.forEach(state -> packages.put(state, new AtomicLong()));
        packages.forEach((state, count) -> Gauge.builder("release.tracker.packages", count, AtomicLong::get).tag("state", state)
                .description("Packages by the state of their post-migrations").register(registry));
        Gauge.builder("release.tracker.notes.pending", notesPending, AtomicLong::get)
                .description("Notes waiting to be posted or to have a correction edited in").register(registry);
        Gauge.builder("release.tracker.notes.oldest.pending.seconds", oldestPendingSeconds, AtomicLong::get)
                .description("How long the oldest pending note has waited").register(registry);
        this.worker = new PollingWorker("tracker-gauges", Duration.ofSeconds(5), this::refresh);
    }

    void start(@Observes StartupEvent event) {
        worker.start();
        worker.wake();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop(Duration.ofSeconds(5));
    }

    void refresh() {
        QuarkusTransaction.requiringNew().run(() -> {
            Map<String, Long> counts = new LinkedHashMap<>();
            @SuppressWarnings("unchecked")
            List<Object[]> rows = em.createNativeQuery("SELECT post_migrations_state, count(*) FROM package GROUP BY post_migrations_state")
                    .getResultList();
            rows.forEach(r -> counts.put((String) r[0], ((Number) r[1]).longValue()));
            packages.forEach((state, count) -> count.set(counts.getOrDefault(state, 0L)));
            Object[] notes = (Object[]) em.createNativeQuery("""
                            SELECT count(*), coalesce(extract(epoch FROM CAST(:now AS timestamptz) - min(coalesce(corrected_at, created_at))), 0)
                            FROM release_note WHERE state = 'pending'""").setParameter("now", OffsetDateTime.now(clock)).getSingleResult();
            notesPending.set(((Number) notes[0]).longValue());
            oldestPendingSeconds.set(((Number) notes[1]).longValue());
        });
    }
}
