package com.gitlab.ops.imports.iid;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

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
 * that waited for it, so each request gets its own span from joining the queue to its answer, with an
 * event when its round trip is sent and how many requests and counters that round trip served: a slow
 * {@code next} shows whether it waited behind another round trip or its own was slow. Nothing is made
 * when the request is not traced (tracing off, or not sampled).
 */
@ApplicationScoped
public class RoundTripSpans {

    // The database attributes JDBC telemetry gives the services' other statements.
    static final AttributeKey<String> DB_SYSTEM = stringKey("db.system");
    static final AttributeKey<String> DB_OPERATION = stringKey("db.operation");
    static final AttributeKey<String> DB_TABLE = stringKey("db.sql.table");
    // Ours.
    static final AttributeKey<String> USAGE = stringKey("iid.usage");
    static final AttributeKey<Long> COUNT = longKey("iid.count");
    static final AttributeKey<Long> REQUESTS = longKey("iid.round_trip.requests");
    static final AttributeKey<Long> COUNTERS = longKey("iid.round_trip.counters");

    private final Tracer tracer;
    private final boolean disabled;

    public RoundTripSpans(OpenTelemetry openTelemetry, @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean disabled) {
        this.tracer = openTelemetry.getTracer("com.gitlab.ops.imports");
        this.disabled = disabled;
    }

    /**
     * Started when the request joins its lane's queue, under the current (the HTTP request's) span;
     * an invalid span, which records nothing, when tracing is off (Quarkus's SDK would still make
     * spans then, unexported: see EventTracing) or the request is not sampled.
     */
    Span start(Counter counter, int count) {
        if (disabled || !Span.current().getSpanContext().isSampled()) {
            return Span.getInvalid();
        }
        return tracer.spanBuilder("INSERT internal_id").setSpanKind(SpanKind.CLIENT)
                .setAttribute(DB_SYSTEM, "postgresql")
                .setAttribute(DB_OPERATION, "INSERT")
                .setAttribute(DB_TABLE, "internal_id")
                .setAttribute(USAGE, counter.usage())
                .setAttribute(COUNT, (long) count)
                .startSpan();
    }

    /** Its round trip is sent now, serving that many requests and counters. */
    static void sent(Span span, int requests, int counters) {
        if (span.isRecording()) {
            span.addEvent("round trip sent").setAttribute(REQUESTS, (long) requests).setAttribute(COUNTERS, (long) counters);
        }
    }

    static void end(Span span, Throwable failure) {
        if (failure != null) {
            span.recordException(failure);
            span.setStatus(StatusCode.ERROR);
        }
        span.end();
    }
}
