package com.gitlab.ops.testing;

import java.nio.charset.StandardCharsets;
import java.util.HexFormat;
import java.util.concurrent.ThreadLocalRandom;
import org.apache.kafka.clients.producer.ProducerRecord;
import org.apache.kafka.common.header.internals.RecordHeaders;

/** A W3C {@code traceparent} (version 00, sampled), as a producer elsewhere would send it. */
public record Traceparent(String traceId, String spanId) {

    public static Traceparent random() {
        ThreadLocalRandom random = ThreadLocalRandom.current();
        return new Traceparent(hex(random, 16), hex(random, 8));
    }

    /** Reads a header's value, failing on anything that is not a W3C traceparent. */
    public static Traceparent parse(String header) {
        if (header == null || !header.matches("00-[0-9a-f]{32}-[0-9a-f]{16}-0[01]")) {
            throw new AssertionError("not a W3C traceparent: " + header);
        }
        String[] parts = header.split("-");
        return new Traceparent(parts[1], parts[2]);
    }

    public String header() {
        return "00-" + traceId + "-" + spanId + "-01";
    }

    /** A record carrying this context in its {@code traceparent} header, as OpenTelemetry's Kafka instrumentation sends it. */
    public ProducerRecord<String, String> on(String topic, String key, String value) {
        return on(topic, key, value, null);
    }

    /** The same with a W3C {@code tracestate} header beside it (a vendor's entries, e.g. {@code vendor=value}). */
    public ProducerRecord<String, String> on(String topic, String key, String value, String tracestate) {
        RecordHeaders headers = new RecordHeaders();
        headers.add("traceparent", header().getBytes(StandardCharsets.UTF_8));
        if (tracestate != null) {
            headers.add("tracestate", tracestate.getBytes(StandardCharsets.UTF_8));
        }
        return new ProducerRecord<>(topic, null, key, value, headers);
    }

    private static String hex(ThreadLocalRandom random, int bytes) {
        byte[] value = new byte[bytes];
        random.nextBytes(value);
        value[0] |= 1; // never all zeros, which W3C calls invalid
        return HexFormat.of().formatHex(value);
    }
}
