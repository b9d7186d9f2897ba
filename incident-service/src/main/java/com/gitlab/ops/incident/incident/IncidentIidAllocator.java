package com.gitlab.ops.incident.incident;

import com.gitlab.ops.platform.error.Causes;
import com.gitlab.ops.platform.error.DependencyUnavailable;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.WebApplicationException;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.PrimitiveIterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.stream.LongStream;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Incident numbers: the project's {@code issues} counter in import-service, as GitLab's incidents are
 * issues, so that an incident created during an import never takes an imported issue's number.
 * Called before the transaction that creates the incident, never inside one.
 */
@ApplicationScoped
public class IncidentIidAllocator {

    private final ImportServiceIids importService;
    private final EntityManager em;

    public IncidentIidAllocator(@RestClient ImportServiceIids importService, EntityManager em) {
        this.importService = importService;
        this.em = em;
    }

    /**
     * The project's next issue number.
     *
     * @throws DependencyUnavailable while import-service cannot give one (an outage: waited out, or a 503)
     */
    public long next(long projectId) {
        return next(Map.of(projectId, 1)).get(projectId).nextLong();
    }

    /**
     * Numbers for several projects at once (a storm's incidents): one request per project for all it
     * needs, and one query for the numbers already used here. Each is above every incident numbered
     * here already: incidents numbered before the counter moved to import-service raise it first.
     *
     * @param wanted how many numbers each project needs
     * @return each project's numbers, in order
     * @throws DependencyUnavailable while import-service cannot give them (an outage: waited out, or a 503)
     */
    public Map<Long, PrimitiveIterator.OfLong> next(Map<Long, Integer> wanted) {
        Map<Long, Long> highestHere = highestHere(wanted.keySet());
        // Every project's first request at once: one after the other, a poll over 100 projects waited 100 round trips.
        Map<Long, CompletableFuture<ImportServiceIids.Range>> asked = new HashMap<>(wanted.size() * 2);
        wanted.forEach((projectId, count) -> asked.put(projectId, call(projectId,
                () -> importService.nextLater(projectId, new ImportServiceIids.Count(Math.min(count, ImportServiceIids.Count.MAX))).toCompletableFuture())));
        Map<Long, PrimitiveIterator.OfLong> numbers = new HashMap<>(wanted.size() * 2);
        wanted.forEach((projectId, count) -> {
            long highest = highestHere.getOrDefault(projectId, 0L);
            LongStream all = checked(projectId, Math.min(count, ImportServiceIids.Count.MAX), highest, join(projectId, asked.get(projectId)));
            for (int left = count - ImportServiceIids.Count.MAX; left > 0; left -= ImportServiceIids.Count.MAX) {
                all = LongStream.concat(all, range(projectId, Math.min(left, ImportServiceIids.Count.MAX), highest));
            }
            numbers.put(projectId, all.iterator());
        });
        return numbers;
    }

    private LongStream range(long projectId, int count, long highestHere) {
        return checked(projectId, count, highestHere, call(projectId, () -> importService.next(projectId, new ImportServiceIids.Count(count))));
    }

    /** Numbers above every incident numbered here: if import-service's are not, its counter is raised first and asked again. */
    private LongStream checked(long projectId, int count, long highestHere, ImportServiceIids.Range range) {
        requireCount(projectId, count, range);
        if (range.first() <= highestHere) {
            call(projectId, () -> {
                importService.track(projectId, new ImportServiceIids.Iid(highestHere));
                return null;
            });
            range = call(projectId, () -> importService.next(projectId, new ImportServiceIids.Count(count)));
            requireCount(projectId, count, range);
        }
        return LongStream.rangeClosed(range.first(), range.iid());
    }

    /** An import-service that ignores {@code count} (one before ranges) answers one number: never read as a range. */
    private static void requireCount(long projectId, int count, ImportServiceIids.Range range) {
        if (range.first() == null || range.iid() - range.first() + 1 != count) {
            throw new IllegalStateException("import-service answered " + range + " for " + count + " issues IIDs of project " + projectId
                    + "; it must answer {\"iid\": last, \"first\": first} for {\"count\": n}");
        }
    }

    private static ImportServiceIids.Range join(long projectId, CompletableFuture<ImportServiceIids.Range> asked) {
        return call(projectId, () -> {
            try {
                return asked.join();
            } catch (CompletionException e) {
                throw e.getCause() instanceof RuntimeException cause ? cause : e;
            }
        });
    }

    private static <T> T call(long projectId, java.util.function.Supplier<T> request) {
        try {
            return request.get();
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() < 500) {
                throw new IllegalStateException("import-service refused the next issues IIDs of project " + projectId + ": "
                        + e.getResponse().getStatus(), e);
            }
            throw unavailable(e);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    private Map<Long, Long> highestHere(java.util.Collection<Long> projectIds) {
        @SuppressWarnings("unchecked")
        List<Object[]> rows = QuarkusTransaction.requiringNew().call(() -> em.createNativeQuery(
                        "SELECT project_id, max(iid) FROM incident WHERE project_id IN (:projects) GROUP BY project_id")
                .setParameter("projects", projectIds).getResultList());
        Map<Long, Long> highest = new HashMap<>(rows.size() * 2);
        rows.forEach(row -> highest.put(((Number) row[0]).longValue(), ((Number) row[1]).longValue()));
        return highest;
    }

    private static DependencyUnavailable unavailable(RuntimeException e) {
        return new DependencyUnavailable("import-service, which numbers incidents (the project's issues counter), cannot give one now ("
                + Causes.describe(e) + ")", e);
    }
}
