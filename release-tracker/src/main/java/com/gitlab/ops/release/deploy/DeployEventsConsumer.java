package com.gitlab.ops.release.deploy;

import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.inbox.InboxProcessor;
import io.smallrye.common.annotation.Blocking;
import io.smallrye.reactive.messaging.kafka.KafkaRecordBatch;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Map;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.reactive.messaging.Incoming;

/** Consumes {@code deploys}: deploy jobs finishing and post-migration pipelines running. */
@ApplicationScoped
public class DeployEventsConsumer {

    public static final String DEPLOY_JOB_FINISHED = "deploy.job.finished";
    public static final String POST_MIGRATIONS_EXECUTED = "post_migrations.executed";

    private final InboxProcessor processor;
    private final DeployTracker tracker;

    public DeployEventsConsumer(InboxProcessor processor, DeployTracker tracker) {
        this.processor = processor;
        this.tracker = tracker;
    }

    @Incoming("deploys")
    @Blocking
    public CompletionStage<Void> consume(KafkaRecordBatch<String, byte[]> batch) {
        return processor.processBatch(batch, Map.of(
                DEPLOY_JOB_FINISHED, this::jobFinished,
                POST_MIGRATIONS_EXECUTED, this::postMigrationsExecuted));
    }

    void jobFinished(CloudEvent event) {
        tracker.jobFinished(DeployJobFinished.from(event));
    }

    void postMigrationsExecuted(CloudEvent event) {
        tracker.postMigrationsExecuted(PostMigrationsExecuted.from(event));
    }
}
