package com.gitlab.ops.platform.event;

import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.util.Map;
import java.util.Optional;

/**
 * One CloudEvents 1.0 event, whichever content mode it came in. {@code id} is the de-duplication
 * key. {@code attributes} holds every attribute beyond the required ones, by name: the optional ones
 * ({@code subject}, {@code datacontenttype}, ...) and extensions such as {@code traceparent}.
 */
public record CloudEvent(String id, String source, String type, OffsetDateTime time, ObjectNode data, Map<String, String> attributes) {

    public static final String SPEC_VERSION = "1.0";
    public static final String CONTENT_TYPE = "application/cloudevents+json";

    public CloudEvent {
        attributes = Map.copyOf(attributes);
    }

    public Optional<String> attribute(String name) {
        return Optional.ofNullable(attributes.get(name));
    }

    /** Typed, validated access to {@link #data()}: every failure names the field and what is wrong. */
    public EventData fields() {
        return new EventData(data);
    }
}
