package com.gitlab.ops.imports.iid;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import com.gitlab.ops.platform.tracing.EventTracing;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import jakarta.enterprise.context.ApplicationScoped;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * A {@code next} request's share of its database round trip, as a statement span under the request's
 * span. The reactive client is not traced by JDBC telemetry, and one round trip serves every request
 * that waited for it, so each request gets its own span from joining the queue to its answer, with how
 * many requests and counters the round trip served: a slow {@code next} shows whether it waited or the
 * statement was slow. Nothing is made when the request is not traced (tracing off, or not sampled).
 */
@ApplicationScoped
public class RoundTripSpans {

    // OpenTelemetry's semantic conventions for database client spans.
    static final AttributeKey<String> DB_SYSTEM = stringKey("db.system");
    static final AttributeKey<String> DB_OPERATION = stringKey("db.operation.name");
    static final AttributeKey<String> DB_COLLECTION = stringKey("db.collection.name");
    // Ours.
    static final AttributeKey<String> USAGE = stringKey("iid.usage");
    static final AttributeKey<Long> COUNT = longKey("iid.count");
    static final AttributeKey<Long> REQUESTS = longKey("iid.round_trip.requests");
    static final AttributeKey<Long> COUNTERS = longKey("iid.round_trip.counters");

    private final Tracer tracer;

    public RoundTripSpans(OpenTelemetry openTelemetry, @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean disabled) {
        this.tracer = EventTracing.inUse(openTelemetry, disabled).getTracer("com.gitlab.ops.imports");
    }

    /** Started when the request joins its lane's queue, under the current (the HTTP request's) span. */
    Span start(Counter counter, int count) {
        if (!Span.current().getSpanContext().isSampled()) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder("INSERT internal_id").setSpanKind(SpanKind.CLIENT)
                .setAttribute(DB_SYSTEM, "postgresql")
                .setAttribute(DB_OPERATION, "INSERT")
                .setAttribute(DB_COLLECTION, "internal_id")
                .setAttribute(USAGE, counter.usage())
                .setAttribute(COUNT, (long) count)
                .startSpan();
    }

    /** What the round trip that serves the request holds besides it. */
    static void sharedBy(Span span, int requests, int counters) {
        span.setAttribute(REQUESTS, (long) requests).setAttribute(COUNTERS, (long) counters);
    }

    static void end(Span span, Throwable failure) {
        if (failure != null) {
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }
}
