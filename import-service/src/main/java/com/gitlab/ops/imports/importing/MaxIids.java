package com.gitlab.ops.imports.importing;

import com.fasterxml.jackson.databind.JsonNode;
import com.gitlab.ops.imports.iid.IidUsage;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeMap;

/**
 * The {@code max_iids} of an import, checked entry by entry: valid entries are reserved, the others
 * are left out with the reason, so one bad entry never stops the rest.
 */
public record MaxIids(Map<String, Long> valid, Map<String, String> rejected) {

    public static MaxIids parse(JsonNode maxIids) {
        Map<String, Long> valid = new TreeMap<>();
        Map<String, String> rejected = new TreeMap<>();
        for (Iterator<Map.Entry<String, JsonNode>> it = maxIids.fields(); it.hasNext(); ) {
            Map.Entry<String, JsonNode> entry = it.next();
            String usage = entry.getKey();
            JsonNode value = entry.getValue();
            if (!IidUsage.isKnown(usage)) {
                rejected.put(usage, "unknown usage; known usages are " + IidUsage.known());
            } else if (!value.isIntegralNumber() || !value.canConvertToLong() || value.asLong() < 1 || value.asLong() > IidUsage.MAX_IID) {
                rejected.put(usage, "must be an integer from 1 to " + IidUsage.MAX_IID + ", got " + value);
            } else {
                valid.put(usage, value.asLong());
            }
        }
        return new MaxIids(valid, rejected);
    }
}
