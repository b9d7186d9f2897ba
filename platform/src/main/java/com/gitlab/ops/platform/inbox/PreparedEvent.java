package com.gitlab.ops.platform.inbox;

import com.gitlab.ops.platform.event.CloudEvent;

/** An event of a poll and the handler {@link EventHandler#prepare} gave for it, ready to apply. */
public record PreparedEvent(CloudEvent event, EventHandler handler) {
}
