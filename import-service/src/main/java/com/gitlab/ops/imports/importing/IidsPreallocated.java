package com.gitlab.ops.imports.importing;

import java.util.Map;

/** The data of {@code import.iids_preallocated}: the counters as reserved, after the commit (no project for a group entity). */
public record IidsPreallocated(Long projectId, Long namespaceId, String importer, Map<String, Long> counters) {

    public static final String TYPE = "import.iids_preallocated";
    public static final String TOPIC = "import-events";
}
