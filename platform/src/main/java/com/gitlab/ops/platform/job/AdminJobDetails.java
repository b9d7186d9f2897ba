package com.gitlab.ops.platform.job;

import java.util.Map;

/**
 * What a service adds to {@code GET /admin/jobs/{id}} for a kind of job it keeps in columns of its
 * own (the escalation status repair job's {@code rebuild} and {@code created}, say).
 */
public interface AdminJobDetails {

    String kind();

    Map<String, Object> of(long jobId);

    /** Whether a job of this kind cut off by a crash is taken up again (so it is never shown as interrupted). */
    default boolean resumes() {
        return false;
    }
}
