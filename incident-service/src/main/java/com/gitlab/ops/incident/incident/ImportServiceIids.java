package com.gitlab.ops.incident.incident;

import jakarta.ws.rs.Consumes;
import jakarta.ws.rs.POST;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.PathParam;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.core.MediaType;
import java.time.temporal.ChronoUnit;
import java.util.concurrent.CompletionStage;
import org.eclipse.microprofile.faulttolerance.CircuitBreaker;
import org.eclipse.microprofile.faulttolerance.Retry;
import org.eclipse.microprofile.faulttolerance.Timeout;
import org.eclipse.microprofile.rest.client.annotation.RegisterClientHeaders;
import org.eclipse.microprofile.rest.client.inject.RegisterRestClient;

/**
 * A project's {@code issues} counter in import-service, which numbers incidents as GitLab's are
 * issues. Each call is bounded (timeout), tried again twice, and a breaker opens after repeated
 * failures so that a storm does not queue on a service that is down. A retried {@code next} whose
 * first try did get through leaves a gap, never a duplicate.
 */
@RegisterRestClient(configKey = "import-service")
@RegisterClientHeaders(ImportServiceCredentials.class)
@Path("/api/projects/{projectId}/iids/issues")
@Produces(MediaType.APPLICATION_JSON)
@Consumes(MediaType.APPLICATION_JSON)
public interface ImportServiceIids {

    record Iid(long iid) {
    }

    /** How many numbers {@code next} takes at once (import-service allows 1 to 1,000). */
    record Count(int count) {

        public static final int MAX = 1000;
    }

    /** The numbers {@code next} took: {@code first} to {@code iid}, the last. */
    record Range(long iid, Long first) {
    }

    @POST
    @Path("/next")
    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 200)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    Range next(@PathParam("projectId") long projectId, Count count);

    /** {@link #next}, answered later: a storm asks for every project's numbers at once. */
    @POST
    @Path("/next")
    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 200)
    @CircuitBreaker(requestVolumeThreshold = 10, failureRatio = 0.5, delay = 5, delayUnit = ChronoUnit.SECONDS)
    CompletionStage<Range> nextLater(@PathParam("projectId") long projectId, Count count);

    /** Raises the counter to at least {@code iid}. */
    @POST
    @Path("/track")
    @Timeout(value = 3, unit = ChronoUnit.SECONDS)
    @Retry(maxRetries = 2, delay = 200)
    void track(@PathParam("projectId") long projectId, Iid iid);
}
