package com.gitlab.ops.imports.importing;

import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.inbox.EventHandler;
import jakarta.enterprise.context.ApplicationScoped;

/** Applies {@code import.started}: the reservation, or, when it keeps failing, a failed import record. */
@ApplicationScoped
public class ImportStartedHandler implements EventHandler {

    private final IidPreallocation preallocation;

    public ImportStartedHandler(IidPreallocation preallocation) {
        this.preallocation = preallocation;
    }

    @Override
    public void handle(CloudEvent event) {
        preallocation.reserve(ImportStarted.from(event), event.id());
    }

    @Override
    public void failed(CloudEvent event, String reason) {
        preallocation.failed(ImportStarted.from(event), event.id(), reason);
    }
}
