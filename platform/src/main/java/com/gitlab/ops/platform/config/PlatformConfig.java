package com.gitlab.ops.platform.config;

import io.smallrye.config.ConfigMapping;
import io.smallrye.config.WithDefault;
import java.time.Duration;
import java.util.List;
import java.util.Optional;

/**
 * Every setting of the platform, in one place: {@code platform.*} in a service's
 * {@code application.properties}, each overridable by its environment variable
 * ({@code platform.events.retry.max-attempts} is {@code PLATFORM_EVENTS_RETRY_MAX_ATTEMPTS}).
 */
@ConfigMapping(prefix = "platform")
public interface PlatformConfig {

    /** The flags the service evaluates; it does not start without their definitions. */
    Optional<List<String>> flags();

    /** Where the flags' definitions are, on the classpath ({@code <name>.yml} each). */
    @WithDefault("config/feature_flags")
    String flagDefinitions();

    Events events();

    Outbox outbox();

    Retention retention();

    Kafka kafka();

    Tracing tracing();

    /**
     * Where spans go and how many are kept, when tracing is on ({@code quarkus.otel.sdk.disabled=false},
     * {@code OTEL_SDK_DISABLED=false}; {@code TRACING_SQL=true} for the SQL statements' spans).
     */
    interface Tracing {
        /** {@code otlp}: to a collector at {@code quarkus.otel.exporter.otlp.endpoint}; {@code zipkin}: to a Zipkin server. */
        @WithDefault("otlp")
        Exporter exporter();

        enum Exporter {
            OTLP, ZIPKIN
        }

        @WithDefault("http://localhost:9411/api/v2/spans")
        String zipkinEndpoint();

        /** The share of new traces kept; a trace begun elsewhere follows its producer's decision (parent-based). */
        @WithDefault("1.0")
        double sampleRatio();
    }

    interface Events {

        /** The CloudEvents {@code source} of the service's events out, e.g. {@code /gitlab/import-service}. */
        String source();

        Retry retry();

        Outage outage();

        /** An event that fails for a reason of its own: retried so, then dead-lettered. */
        interface Retry {
            @WithDefault("10")
            int maxAttempts();

            @WithDefault("PT0.2S")
            Duration initialBackoff();

            @WithDefault("PT30S")
            Duration maxBackoff();
        }

        /** An outage (database, a service depended on) is waited out, retrying at most this far apart. */
        interface Outage {
            @WithDefault("PT5S")
            Duration maxBackoff();
        }
    }

    interface Outbox {
        @WithDefault("500")
        int batchSize();

        @WithDefault("PT30S")
        Duration sendTimeout();

        /** How often the relay looks without being woken (a commit wakes it at once). */
        @WithDefault("PT1S")
        Duration pollInterval();

        Fault fault();

        /** For the fault suite only: the relay halts after this many sends, before marking them. */
        interface Fault {
            Optional<Integer> haltAfterSend();
        }
    }

    interface Retention {
        /** How long an inbox row (an event id seen) and a published outbox row (from when it was written) are kept. */
        @WithDefault("P35D")
        Duration processedEvents();

        // platform.retention.interval (PT1H) is the clean-up's @Scheduled expression, read by the scheduler.
    }

    interface Kafka {
        /** How long readiness waits for the broker to answer. */
        @WithDefault("PT3S")
        Duration readinessTimeout();
    }
}
