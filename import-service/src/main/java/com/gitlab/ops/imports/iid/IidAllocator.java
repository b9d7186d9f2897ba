package com.gitlab.ops.imports.iid;

import io.smallrye.mutiny.infrastructure.Infrastructure;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Hands out the next IID of a counter. Requests for the same counter that arrive while one database
 * round trip is under way wait for the next one, which serves them all with one
 * {@code last_value = last_value + n}: n consecutive numbers, committed before any is answered.
 * One statement per round trip instead of per request is what lets a hot counter go past the rate
 * at which PostgreSQL can lock and update one row (pgbench's figure for the same statement).
 */
@ApplicationScoped
public class IidAllocator {

    /** The requests waiting for one counter, and whether a round trip is under way for them. */
    private static final class Waiting {
        final ArrayDeque<CompletableFuture<Long>> requests = new ArrayDeque<>();
        boolean flushing;
    }

    private final ConcurrentHashMap<Counter, Waiting> waiting = new ConcurrentHashMap<>();
    private final InternalIdRepository ids;
    private final int maxBatch;

    public IidAllocator(InternalIdRepository ids, @ConfigProperty(name = "import.iids.max-batch", defaultValue = "1000") int maxBatch) {
        this.ids = ids;
        this.maxBatch = maxBatch;
    }

    public CompletionStage<Long> next(Counter key) {
        CompletableFuture<Long> request = new CompletableFuture<>();
        while (true) {
            Waiting queue = waiting.computeIfAbsent(key, k -> new Waiting());
            boolean startFlush;
            synchronized (queue) {
                if (waiting.get(key) != queue) {
                    continue; // Retired by its last flush just now: use the new one.
                }
                queue.requests.add(request);
                startFlush = !queue.flushing;
                queue.flushing = true;
            }
            if (startFlush) {
                // JDBC blocks: off the event loop, on the worker pool.
                Infrastructure.getDefaultWorkerPool().execute(() -> flush(key, queue));
            }
            return request;
        }
    }

    private void flush(Counter key, Waiting queue) {
        while (true) {
            List<CompletableFuture<Long>> batch = new ArrayList<>();
            synchronized (queue) {
                while (!queue.requests.isEmpty() && batch.size() < maxBatch) {
                    batch.add(queue.requests.poll());
                }
                if (batch.isEmpty()) {
                    queue.flushing = false;
                    waiting.remove(key, queue);
                    return;
                }
            }
            try {
                long last = ids.reserveNext(key, batch.size());
                long first = last - batch.size() + 1;
                for (int i = 0; i < batch.size(); i++) {
                    batch.get(i).complete(first + i);
                }
            } catch (Exception e) {
                IidsUnavailableException failure = new IidsUnavailableException(e);
                batch.forEach(r -> r.completeExceptionally(failure));
            }
        }
    }
}
