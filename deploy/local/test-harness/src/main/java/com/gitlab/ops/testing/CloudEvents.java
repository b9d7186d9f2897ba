package com.gitlab.ops.testing;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Map;
import java.util.UUID;

/** Builds event values in the contracts' envelope, as a producer elsewhere would send them. */
public final class CloudEvents {

    private static final ObjectMapper JSON = new ObjectMapper();

    private CloudEvents() {
    }

    public static String newId() {
        return UUID.randomUUID().toString();
    }

    public static String envelope(String id, String type, Map<String, ?> data) {
        return envelopeNode(id, type, data).toString();
    }

    /** A new event of this type, with a fresh id, as a node a test can still change. */
    public static ObjectNode envelopeNode(String type, Map<String, ?> data) {
        return envelopeNode(newId(), type, data);
    }

    private static ObjectNode envelopeNode(String id, String type, Map<String, ?> data) {
        ObjectNode root = JSON.createObjectNode()
                .put("specversion", "1.0")
                .put("id", id)
                .put("source", "/tests")
                .put("type", type)
                .put("time", OffsetDateTime.now(ZoneOffset.UTC).toString());
        root.set("data", JSON.valueToTree(data));
        return root;
    }
}
