package com.gitlab.ops.platform.event;

/**
 * The event can never be applied as it is: not JSON, a missing or wrong field, a value out of range,
 * or a reference to something that does not exist. Its message is the dead-letter reason, written
 * for the person who will read the {@code .dlq} topic.
 */
public class InvalidEventException extends RuntimeException {

    public InvalidEventException(String reason) {
        super(reason);
    }
}
