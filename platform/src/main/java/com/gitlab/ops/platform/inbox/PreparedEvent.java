package com.gitlab.ops.platform.inbox;

import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.tracing.TraceContext;

/**
 * An event of a poll and the handler {@link EventHandler#prepare} gave for it, ready to apply, and
 * the trace context of its processing: what an outbox row written for it set-based stores.
 */
public record PreparedEvent(CloudEvent event, EventHandler handler, TraceContext trace) {
}
