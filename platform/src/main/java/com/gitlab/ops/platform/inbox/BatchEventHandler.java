package com.gitlab.ops.platform.inbox;

import java.util.List;

/**
 * An {@link EventHandler} that can also apply a poll's events of its type together, set-based: a
 * statement for many events instead of one each, which is what a storm of them needs. The platform
 * hands it each run of consecutive events of its type that a poll brought, in the poll's
 * transaction, their ids already claimed; if it throws, the poll is applied again one event at a
 * time (each through {@link #handle}, with its own transaction and retries), so that a bad event
 * is dead-lettered alone.
 */
public interface BatchEventHandler extends EventHandler {

    /**
     * Applies what it can of the run together.
     *
     * @param run the events in their order, each with the handler {@link #prepare} gave for it
     * @return the events it did not apply, in their order: the platform applies them one at a time
     *         after it, in the same transaction. Events whose effects depend on each other's order
     *         must be applied together or left together.
     */
    List<PreparedEvent> handleAll(List<PreparedEvent> run);
}
