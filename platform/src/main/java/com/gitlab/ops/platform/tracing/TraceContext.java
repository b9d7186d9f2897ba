package com.gitlab.ops.platform.tracing;

/**
 * A W3C trace context as it travels in headers and is stored with an outbox row: {@code traceparent}
 * and {@code tracestate} (either may be null: no trace, or no vendor state).
 */
public record TraceContext(String traceparent, String tracestate) {

    public static final String TRACEPARENT = "traceparent";
    public static final String TRACESTATE = "tracestate";

    static final TraceContext NONE = new TraceContext(null, null);

    public boolean isEmpty() {
        return traceparent == null;
    }

    String get(String key) {
        return switch (key) {
            case TRACEPARENT -> traceparent;
            case TRACESTATE -> tracestate;
            default -> null;
        };
    }
}
