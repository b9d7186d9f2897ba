package com.gitlab.ops.testing;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.common.CompletableResultCode;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.quarkus.arc.Arc;
import jakarta.inject.Singleton;
import java.time.Duration;
import java.util.Collection;
import java.util.List;
import java.util.Optional;
import java.util.function.Predicate;
import org.awaitility.Awaitility;

/**
 * The spans a service exports in its tests: OpenTelemetry's in-memory exporter, kept only while a
 * test records, so that every other test's spans are not held for the JVM's life. A bean in every
 * service's tests (this jar has a beans.xml), where it stands in for the OTLP exporter.
 */
@Singleton
public class RecordedSpans implements SpanExporter {

    /** The attributes the platform's event spans carry (EventTracing) and JDBC's statement spans. */
    public static final AttributeKey<String> EVENT_ID = AttributeKey.stringKey("cloudevents.event_id");
    public static final AttributeKey<String> DB_SYSTEM = AttributeKey.stringKey("db.system");

    private final InMemorySpanExporter memory = InMemorySpanExporter.create();
    private volatile boolean recording;

    /** The running service's. */
    public static RecordedSpans current() {
        return Arc.container().instance(RecordedSpans.class).get();
    }

    /** Forgets what was recorded and records from now on. */
    public void record() {
        memory.reset();
        recording = true;
    }

    public void stop() {
        recording = false;
        memory.reset();
    }

    public List<SpanData> spans() {
        return memory.getFinishedSpanItems();
    }

    /** The first span that matches, once exported (spans are exported in batches, every 100 ms in tests). */
    public SpanData await(Duration wait, String what, Predicate<SpanData> match) {
        return Awaitility.await().alias(what).atMost(wait).until(() -> spans().stream().filter(match).findFirst(), Optional::isPresent)
                .orElseThrow();
    }

    /** The consumer span of an event, found by its id. */
    public SpanData awaitEvent(Duration wait, String eventId) {
        return await(wait, "the span of event " + eventId, s -> eventId.equals(s.getAttributes().get(EVENT_ID)));
    }

    /** The SQL statements traced as children of a span. */
    public List<SpanData> statementsUnder(SpanData parent) {
        return spans().stream().filter(s -> s.getKind() == SpanKind.CLIENT && s.getAttributes().get(DB_SYSTEM) != null
                && s.getParentSpanId().equals(parent.getSpanId())).toList();
    }

    /** The recorded spans of one trace. */
    public List<SpanData> trace(String traceId) {
        return spans().stream().filter(s -> s.getTraceId().equals(traceId)).toList();
    }

    @Override
    public CompletableResultCode export(Collection<SpanData> spans) {
        return recording ? memory.export(spans) : CompletableResultCode.ofSuccess();
    }

    @Override
    public CompletableResultCode flush() {
        return CompletableResultCode.ofSuccess();
    }

    /** Not passed on: the in-memory exporter refuses everything once shut down. */
    @Override
    public CompletableResultCode shutdown() {
        return CompletableResultCode.ofSuccess();
    }
}
