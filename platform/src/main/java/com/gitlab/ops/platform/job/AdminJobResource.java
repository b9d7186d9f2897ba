package com.gitlab.ops.platform.job;

import com.fasterxml.jackson.annotation.JsonAnyGetter;
import com.fasterxml.jackson.annotation.JsonPropertyOrder;
import com.gitlab.ops.platform.error.ApiException;
import jakarta.enterprise.inject.Instance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.LinkedHashMap;
import java.util.Map;

/** Admin: an admin job's progress, whatever its kind. */
@Path("/admin/jobs/{jobId}")
@Produces(MediaType.APPLICATION_JSON)
public class AdminJobResource {

    /** A running job whose progress has not moved for this long was cut off with its instance. */
    static final Duration SILENT = Duration.ofMinutes(2);

    /**
     * The job: id, kind, state ({@code running}, {@code done}, {@code failed}, or {@code interrupted}
     * for a running job whose progress stopped moving and that nothing resumes), done, total, error, times, and its kind's
     * own figures at the top level.
     */
    @JsonPropertyOrder({"id", "kind", "state", "done", "total", "error", "created_at", "updated_at"})
    public record JobView(long id, String kind, String state, long done, long total, String error, OffsetDateTime createdAt,
            OffsetDateTime updatedAt, @com.fasterxml.jackson.annotation.JsonIgnore Map<String, Object> details) {

        @JsonAnyGetter
        public Map<String, Object> figures() {
            return details;
        }

        /** @param cutOff a running job that stopped moving and will not resume: shown as interrupted */
        public static JobView of(AdminJob job, Map<String, Object> more, boolean cutOff) {
            Map<String, Object> details = new LinkedHashMap<>(job.details);
            details.putAll(more);
            return new JobView(job.id, job.kind, cutOff ? "interrupted" : job.state, job.done, job.total, job.error, job.createdAt,
                    job.updatedAt, details);
        }
    }

    private final Instance<AdminJobDetails> kinds;
    private final Clock clock;

    public AdminJobResource(Instance<AdminJobDetails> kinds, Clock clock) {
        this.kinds = kinds;
        this.clock = clock;
    }

    @GET
    public JobView job(@PathParam("jobId") long jobId) {
        AdminJob job = AdminJob.findById(jobId);
        if (job == null) {
            throw ApiException.notFound("job " + jobId + " does not exist");
        }
        Map<String, Object> more = new LinkedHashMap<>();
        boolean resumes = false;
        for (AdminJobDetails kind : kinds) {
            if (kind.kind().equals(job.kind)) {
                more.putAll(kind.of(jobId));
                resumes |= kind.resumes();
            }
        }
        boolean cutOff = !resumes && AdminJob.RUNNING.equals(job.state) && job.updatedAt.isBefore(OffsetDateTime.now(clock).minus(SILENT));
        return JobView.of(job, more, cutOff);
    }
}
