package com.gitlab.ops.platform.event;

/**
 * The two content modes of the CloudEvents Kafka protocol binding. Structured: the value is the
 * whole event as JSON. Binary (the SDKs' default): attributes are {@code ce_} headers and the value
 * is the data alone. Dead-letter reasons start with the mode, and name fields as that mode spells them.
 */
public enum ContentMode {

    STRUCTURED("structured mode") {
        @Override
        String field(String attribute) {
            return "envelope field '" + attribute + "'";
        }
    },
    BINARY("binary mode") {
        @Override
        String field(String attribute) {
            return "header '" + EventHeaders.ATTRIBUTE_PREFIX + attribute + "'";
        }
    };

    private final String label;

    ContentMode(String label) {
        this.label = label;
    }

    /** Where an attribute travels in this mode, as a reason names it. */
    abstract String field(String attribute);

    InvalidEventException invalid(String reason) {
        return new InvalidEventException(label + ": " + reason);
    }

    @Override
    public String toString() {
        return label;
    }
}
