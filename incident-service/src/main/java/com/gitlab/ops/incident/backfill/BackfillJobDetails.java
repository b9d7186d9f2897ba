package com.gitlab.ops.incident.backfill;

import com.gitlab.ops.platform.job.AdminJobDetails;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.LinkedHashMap;
import java.util.Map;

/** The repair job's own figures in {@code GET /admin/jobs/{id}}: whether it rebuilt, and the records it wrote. */
@ApplicationScoped
public class BackfillJobDetails implements AdminJobDetails {

    @Override
    public String kind() {
        return BackfillJob.KIND;
    }

    @Override
    public Map<String, Object> of(long jobId) {
        Map<String, Object> details = new LinkedHashMap<>();
        BackfillJob.<BackfillJob>findByIdOptional(jobId).ifPresent(job -> {
            details.put("rebuild", job.rebuild);
            details.put("created", job.created);
        });
        return details;
    }

    /** The worker resumes a running repair job from its progress after a crash. */
    @Override
    public boolean resumes() {
        return true;
    }
}
