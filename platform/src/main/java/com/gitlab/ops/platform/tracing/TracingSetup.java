package com.gitlab.ops.platform.tracing;

import com.gitlab.ops.platform.config.PlatformConfig;
import io.opentelemetry.exporter.zipkin.ZipkinSpanExporter;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import io.quarkus.arc.Unremovable;
import io.quarkus.arc.lookup.LookupIfProperty;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;

/**
 * The tracing SDK's exporter and sampler. OTLP is Quarkus's own exporter, used while no other
 * exporter bean can be looked up; Zipkin's, for the local viewer, only with
 * {@code platform.tracing.exporter=zipkin} (looked up only then, so OTLP stays otherwise).
 */
@ApplicationScoped
public class TracingSetup {

    @Produces
    @Singleton
    @Unremovable
    @LookupIfProperty(name = "platform.tracing.exporter", stringValue = "zipkin")
    SpanExporter zipkin(PlatformConfig config) {
        return ZipkinSpanExporter.builder().setEndpoint(config.tracing().zipkinEndpoint()).build();
    }

    /** Parent-based with a ratio for new traces; a bean replaces Quarkus's configured sampler altogether. */
    @Produces
    @Singleton
    @Unremovable
    Sampler sampler(PlatformConfig config) {
        return new UntracedStatementsDropped(Sampler.parentBased(Sampler.traceIdRatioBased(config.tracing().sampleRatio())));
    }
}
