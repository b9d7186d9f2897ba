package com.gitlab.ops.platform.tracing;

import static io.opentelemetry.api.common.AttributeKey.longKey;
import static io.opentelemetry.api.common.AttributeKey.stringKey;

import com.gitlab.ops.platform.event.CloudEvent;
import io.opentelemetry.api.OpenTelemetry;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.api.trace.propagation.W3CTraceContextPropagator;
import io.opentelemetry.context.Context;
import io.opentelemetry.context.Scope;
import io.opentelemetry.context.propagation.TextMapGetter;
import io.opentelemetry.context.propagation.TextMapPropagator;
import io.opentelemetry.context.propagation.TextMapSetter;
import io.opentelemetry.sdk.trace.ReadableSpan;
import jakarta.enterprise.context.ApplicationScoped;
import java.nio.charset.StandardCharsets;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.StreamSupport;
import org.apache.kafka.common.header.Header;
import org.apache.kafka.common.header.Headers;
import org.eclipse.microprofile.config.inject.ConfigProperty;

/**
 * One trace per event, across Kafka and the outbox: a consumer span per event, a child of the
 * producer's W3C context; the context of a change stored with its outbox row; and a producer span
 * per relayed event whose context goes out in its {@code traceparent} header.
 *
 * <p>The connector's own tracing is off ({@code tracing-enabled=false}): it would trace the polled
 * batch, not the events, and append a second {@code traceparent} after the one the relay sets (and
 * after a dead letter's original). With tracing off every call here is OpenTelemetry's no-op on
 * invalid spans: nothing is made current, stored or sent.
 */
@ApplicationScoped
public class EventTracing {

    // OpenTelemetry's semantic conventions for messaging and for CloudEvents.
    static final AttributeKey<String> MESSAGING_SYSTEM = stringKey("messaging.system");
    static final AttributeKey<String> OPERATION_TYPE = stringKey("messaging.operation.type");
    static final AttributeKey<String> DESTINATION = stringKey("messaging.destination.name");
    static final AttributeKey<String> PARTITION = stringKey("messaging.destination.partition.id");
    static final AttributeKey<Long> OFFSET = longKey("messaging.kafka.offset");
    static final AttributeKey<String> MESSAGE_KEY = stringKey("messaging.kafka.message.key");
    static final AttributeKey<String> MESSAGE_ID = stringKey("messaging.message.id");
    static final AttributeKey<String> EVENT_ID = stringKey("cloudevents.event_id");
    static final AttributeKey<String> EVENT_TYPE = stringKey("cloudevents.event_type");
    static final AttributeKey<String> EVENT_SOURCE = stringKey("cloudevents.event_source");
    /** Ours: why an event went to its dead-letter topic, as the {@code dead-letter-reason} header says. */
    static final AttributeKey<String> DEAD_LETTER_REASON = stringKey("dead_letter.reason");

    private static final TextMapPropagator W3C = W3CTraceContextPropagator.getInstance();

    private final Tracer tracer;
    private final TextMapPropagator propagator;

    public EventTracing(OpenTelemetry openTelemetry,
            @ConfigProperty(name = "quarkus.otel.sdk.disabled", defaultValue = "false") boolean disabled) {
        // Disabled, Quarkus still hands out an SDK that makes spans (unexported, but with ids and
        // headers); the no-op API costs nothing, which is what tracing off must cost.
        OpenTelemetry used = disabled ? OpenTelemetry.noop() : openTelemetry;
        this.tracer = used.getTracer("com.gitlab.ops.platform");
        this.propagator = used.getPropagators().getTextMapPropagator();
    }

    /**
     * Starts the span of one consumed record, a child of the context its producer sent: the
     * {@code traceparent} header (as OpenTelemetry's Kafka instrumentation sets it), else the
     * CloudEvents distributed-tracing extension of the event (a {@code ce_traceparent} header, or
     * {@code traceparent} in a structured envelope). Without either it starts a new trace.
     *
     * @param event the parsed event, or null for a record that could not be parsed
     */
    public Span startProcessing(String topic, int partition, long offset, String key, Headers headers, CloudEvent event) {
        Context parent = propagator.extract(Context.root(), headers, KAFKA_HEADERS);
        if (!Span.fromContext(parent).getSpanContext().isValid() && event != null) {
            parent = propagator.extract(Context.root(), event, CLOUD_EVENT_EXTENSION);
        }
        var span = tracer.spanBuilder("process " + topic)
                .setSpanKind(SpanKind.CONSUMER)
                .setParent(parent)
                .setAttribute(MESSAGING_SYSTEM, "kafka")
                .setAttribute(OPERATION_TYPE, "process")
                .setAttribute(DESTINATION, topic)
                .setAttribute(PARTITION, Integer.toString(partition))
                .setAttribute(OFFSET, offset);
        if (key != null) {
            span.setAttribute(MESSAGE_KEY, key);
        }
        Span started = span.startSpan();
        if (event != null) {
            started.setAttribute(MESSAGE_ID, event.id())
                    .setAttribute(EVENT_ID, event.id())
                    .setAttribute(EVENT_TYPE, event.type())
                    .setAttribute(EVENT_SOURCE, event.source());
        }
        return started;
    }

    /**
     * Makes the span current (its SQL and HTTP calls are its children, log lines name it); nothing
     * for an invalid span, so that tracing off writes no all-zero ids into the logs.
     */
    public static Scope activate(Span span) {
        return span.getSpanContext().isValid() ? span.makeCurrent() : Scope.noop();
    }

    /** Ends the span unless it has ended already (a batch's events may end one by one, or together). */
    public static void end(Span span) {
        if (!(span instanceof ReadableSpan readable) || !readable.hasEnded()) {
            span.end();
        }
    }

    /** Marks an event's span as dead-lettered, with the reason its dead letter carries. */
    public static void deadLettered(Span span, String reason) {
        span.setAttribute(DEAD_LETTER_REASON, reason);
        span.setStatus(StatusCode.ERROR, "dead-lettered: " + reason);
    }

    /** Records a failed attempt on the span (the event may still be retried and applied). */
    public static void failed(Span span, Throwable e) {
        span.recordException(e);
    }

    /** The current trace context, to be stored with an outbox row; empty when nothing is traced. */
    public TraceContext current() {
        if (!Span.current().getSpanContext().isValid()) {
            return TraceContext.NONE;
        }
        Map<String, String> carrier = new HashMap<>(2);
        W3C.inject(Context.current(), carrier, Map::put);
        return new TraceContext(carrier.get(TraceContext.TRACEPARENT), carrier.get(TraceContext.TRACESTATE));
    }

    /** The span's trace context, as {@link #current} gives it while the span is current. */
    public TraceContext of(Span span) {
        try (Scope scope = activate(span)) {
            return current();
        }
    }

    /**
     * Starts the span of the relay's send of one outbox event, a child of the change that wrote it
     * (or a new trace where the change was not traced), and puts its context in the record's headers.
     */
    public Span startPublishing(String topic, String key, String eventId, String eventType, TraceContext stored, Headers headers) {
        Context parent = stored.isEmpty() ? Context.root() : W3C.extract(Context.root(), stored, STORED);
        var span = tracer.spanBuilder("publish " + topic)
                .setSpanKind(SpanKind.PRODUCER)
                .setParent(parent)
                .setAttribute(MESSAGING_SYSTEM, "kafka")
                .setAttribute(OPERATION_TYPE, "send")
                .setAttribute(DESTINATION, topic)
                .setAttribute(MESSAGE_ID, eventId)
                .setAttribute(EVENT_ID, eventId)
                .setAttribute(EVENT_TYPE, eventType);
        if (key != null) {
            span.setAttribute(MESSAGE_KEY, key);
        }
        Span started = span.startSpan();
        propagator.inject(Context.root().with(started), headers, KAFKA_HEADERS_SETTER);
        return started;
    }

    private static final TextMapGetter<Headers> KAFKA_HEADERS = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(Headers headers) {
            return headers == null ? List.of() : StreamSupport.stream(headers.spliterator(), false).map(Header::key).toList();
        }

        @Override
        public String get(Headers headers, String key) {
            Header header = headers == null ? null : headers.lastHeader(key);
            return header == null || header.value() == null ? null : new String(header.value(), StandardCharsets.UTF_8);
        }
    };

    private static final TextMapSetter<Headers> KAFKA_HEADERS_SETTER = (headers, key, value) -> {
        headers.remove(key);
        headers.add(key, value.getBytes(StandardCharsets.UTF_8));
    };

    /** The CloudEvents distributed-tracing extension's attributes, read off the parsed event. */
    private static final TextMapGetter<CloudEvent> CLOUD_EVENT_EXTENSION = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(CloudEvent event) {
            return event.attributes().keySet();
        }

        @Override
        public String get(CloudEvent event, String key) {
            return event == null ? null : event.attribute(key).orElse(null);
        }
    };

    private static final TextMapGetter<TraceContext> STORED = new TextMapGetter<>() {
        @Override
        public Iterable<String> keys(TraceContext context) {
            return List.of(TraceContext.TRACEPARENT, TraceContext.TRACESTATE);
        }

        @Override
        public String get(TraceContext context, String key) {
            return context == null ? null : context.get(key);
        }
    };
}
