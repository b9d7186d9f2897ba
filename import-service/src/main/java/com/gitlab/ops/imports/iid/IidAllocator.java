package com.gitlab.ops.imports.iid;

import io.opentelemetry.api.trace.Span;
import io.vertx.core.Future;
import io.vertx.pgclient.PgException;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicBoolean;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * Hands out IIDs. Every request that arrives while a database round trip is under way, for any
 * counter, waits for the next one, which serves them all with one statement: each counter it names
 * goes up by what its requests asked for ({@code last_value = last_value + n}), and each request
 * gets its own consecutive numbers, committed before any is answered. One statement per round trip
 * instead of per request, across counters, is what lets a hot counter go past the rate at which
 * PostgreSQL can lock and update one row, and lets a thousand cool ones share a commit.
 *
 * <p>The counters are split over {@code import.iids.round-trips} lanes, each with its own
 * queue and one round trip at a time: a counter is always in the same lane, so two round trips
 * never wait on each other's row locks (a hot counter in two at once ran at a quarter of the rate),
 * while counters spread out keep several round trips under way. Nothing here blocks: a round trip
 * is sent from the thread of the request that starts it and answered on an event loop
 * ({@link ReserveRoundTrip}), where the next one starts.
 */
@ApplicationScoped
public class IidAllocator {

    /** How many times a round trip that PostgreSQL chose as a deadlock victim is tried again. */
    private static final int DEADLOCK_RETRIES = 3;

    /** A request: a counter, how many consecutive numbers, where the last of them goes, and its span. */
    private record Request(Counter counter, int count, CompletableFuture<Long> last, Span span) {
    }

    /** The requests waiting for one lane's next round trip, and whether one is under way. */
    private static final class Lane {
        final ConcurrentLinkedQueue<Request> waiting = new ConcurrentLinkedQueue<>();
        final AtomicBoolean flushing = new AtomicBoolean();
    }

    private final Lane[] lanes;
    private final ReserveRoundTrip roundTrip;
    private final RoundTripSpans spans;
    private final int maxBatch;

    public IidAllocator(ReserveRoundTrip roundTrip, RoundTripSpans spans,
            @ConfigProperty(name = "import.iids.max-batch", defaultValue = "1000") int maxBatch) {
        this.roundTrip = roundTrip;
        this.spans = spans;
        this.maxBatch = maxBatch;
        this.lanes = new Lane[roundTrip.connections()];
        for (int i = 0; i < lanes.length; i++) {
            lanes[i] = new Lane();
        }
    }

    /** The last of {@code count} consecutive new numbers of the counter (the first is {@code last - count + 1}). */
    public CompletionStage<Long> next(Counter counter, int count) {
        Span span = spans.start(counter, count);
        Request request = new Request(counter, count, new CompletableFuture<>(), span);
        // Ended before the caller's stages run, so the span ends inside the request's, not after its answer.
        CompletionStage<Long> answered = span.isRecording()
                ? request.last().whenComplete((last, failure) -> RoundTripSpans.end(span, failure))
                : request.last();
        Lane lane = lanes[Math.floorMod(counter.hashCode(), lanes.length)];
        lane.waiting.add(request);
        if (lane.flushing.compareAndSet(false, true)) {
            flush(lane);
        }
        return answered;
    }

    /** Round trips one after the other while requests wait; each next one starts when the last is answered. */
    private void flush(Lane lane) {
        while (true) {
            List<Request> batch = new ArrayList<>();
            for (Request r; batch.size() < maxBatch && (r = lane.waiting.poll()) != null; ) {
                batch.add(r);
            }
            if (batch.isEmpty()) {
                lane.flushing.set(false);
                // A request queued after the poll and before the flag fell found it still set: serve it.
                if (lane.waiting.isEmpty() || !lane.flushing.compareAndSet(false, true)) {
                    return;
                }
                continue;
            }
            Future<Void> answered;
            try {
                answered = reserve(batch);
            } catch (RuntimeException e) {
                // The client refused before any I/O (closed while shutting down, say): answered, and on.
                fail(batch, e);
                continue;
            }
            if (!answered.isComplete()) {
                answered.onComplete(done -> flush(lane));
                return;
            }
            // Answered at once (a failure before any I/O): loop rather than recurse.
        }
    }

    private Future<Void> reserve(List<Request> batch) {
        Map<Counter, Long> asked = new HashMap<>();
        for (Request r : batch) {
            asked.merge(r.counter(), (long) r.count(), Long::sum);
        }
        for (Request r : batch) {
            RoundTripSpans.sent(r.span(), batch.size(), asked.size());
        }
        return reserveRetryingDeadlocks(asked, 1).map(last -> {
            Map<Counter, Long> handed = new HashMap<>();
            for (Counter c : asked.keySet()) {
                handed.put(c, last.get(c) - asked.get(c)); // the last number before this round trip's
            }
            for (Request r : batch) {
                r.last().complete(handed.merge(r.counter(), (long) r.count(), Long::sum));
            }
            return (Void) null;
        }).recover(e -> {
            fail(batch, e);
            return Future.succeededFuture();
        });
    }

    /** Nothing was reserved for the batch: each of its requests is answered as unavailable (a 503). */
    private static void fail(List<Request> batch, Throwable cause) {
        IidsUnavailableException failure = new IidsUnavailableException(cause);
        batch.forEach(r -> r.last().completeExceptionally(failure));
    }

    private Future<Map<Counter, Long>> reserveRetryingDeadlocks(Map<Counter, Long> asked, int attempt) {
        return roundTrip.reserve(asked).recover(e -> {
            // A preallocation locking several counters in another order: nothing was reserved, so again.
            if (e instanceof PgException pg && "40P01".equals(pg.getSqlState()) && attempt <= DEADLOCK_RETRIES) {
                return reserveRetryingDeadlocks(asked, attempt + 1);
            }
            return Future.failedFuture(e);
        });
    }
}
