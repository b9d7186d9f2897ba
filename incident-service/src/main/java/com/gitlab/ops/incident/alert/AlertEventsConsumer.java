package com.gitlab.ops.incident.alert;

import com.gitlab.ops.platform.inbox.InboxProcessor;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Consumes {@code alerts}: every {@code alert.updated} is validated and applied once, flag or not. */
@ApplicationScoped
public class AlertEventsConsumer {

    public static final String ALERT_UPDATED = "alert.updated";

    private final InboxProcessor processor;
    private final AlertUpdatedHandler alertUpdated;

    public AlertEventsConsumer(InboxProcessor processor, AlertUpdatedHandler alertUpdated) {
        this.processor = processor;
        this.alertUpdated = alertUpdated;
    }

    /** A polled batch at a time: an alert storm is applied in one transaction per poll, set-based. */
    @Incoming("alerts")
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return processor.processBatch(batch, Map.of(ALERT_UPDATED, alertUpdated));
    }
}
