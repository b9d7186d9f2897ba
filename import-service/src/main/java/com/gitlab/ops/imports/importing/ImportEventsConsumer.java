package com.gitlab.ops.imports.importing;

import com.gitlab.ops.platform.inbox.InboxProcessor;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Consumes {@code imports}: every {@code import.started} is validated and applied once. */
@ApplicationScoped
public class ImportEventsConsumer {

    public static final String IMPORT_STARTED = "import.started";

    private final InboxProcessor processor;
    private final ImportStartedHandler handler;

    public ImportEventsConsumer(InboxProcessor processor, ImportStartedHandler handler) {
        this.processor = processor;
        this.handler = handler;
    }

    @Incoming("imports")
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return processor.processBatch(batch, Map.of(IMPORT_STARTED, handler));
    }
}
