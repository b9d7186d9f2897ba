package com.gitlab.ops.incident.alert;

import com.gitlab.ops.incident.incident.IncidentIidAllocator;
import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.inbox.EventHandler;
import com.gitlab.ops.platform.inbox.InboxProcessor;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.OptionalLong;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Consumes {@code alerts}: every {@code alert.updated} is validated and applied once, flag or not. */
@ApplicationScoped
public class AlertEventsConsumer {

    public static final String ALERT_UPDATED = "alert.updated";

    private final InboxProcessor processor;
    private final AlertSync sync;
    private final IncidentIidAllocator iids;
    private final EventHandler alertUpdated = new EventHandler() {
        /** Never called: the inbox applies what {@link #prepare} gives, which took the incident's number outside the transaction. */
        @Override
        public void handle(CloudEvent event) {
            throw new IllegalStateException("alert.updated is applied through prepare(): its incident number is taken before the transaction");
        }

        /** An alert that creates an incident gets its number from import-service first, outside the transaction. */
        @Override
        public EventHandler prepare(CloudEvent event) {
            AlertUpdated update = AlertUpdated.from(event);
            OptionalLong iid = sync.needsNewIncident(update) ? OptionalLong.of(iids.next(update.projectId())) : OptionalLong.empty();
            return prepared -> sync.apply(update, iid);
        }
    };

    public AlertEventsConsumer(InboxProcessor processor, AlertSync sync, IncidentIidAllocator iids) {
        this.processor = processor;
        this.sync = sync;
        this.iids = iids;
    }

    /** A polled batch at a time: busy alert storms are applied in one transaction per poll. */
    @Incoming("alerts")
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return processor.processBatch(batch, Map.of(ALERT_UPDATED, alertUpdated));
    }
}
