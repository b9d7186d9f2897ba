package com.gitlab.ops.platform.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;

/**
 * One event in CloudEvents 1.0 structured form, as every topic of the contracts carries it.
 * {@code id} is the de-duplication key.
 */
public record CloudEvent(String id, String source, String type, OffsetDateTime time, ObjectNode data) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/cloudevents+json";

    /** Typed, validated access to {@link #data()}: every failure names the field and what is wrong. */
    public EventData fields() {
        return new EventData(data);
    }
}
