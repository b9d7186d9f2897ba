package com.gitlab.ops.incident.incident;

import com.gitlab.ops.platform.error.Causes;
import com.gitlab.ops.platform.error.DependencyUnavailable;
import io.quarkus.narayana.jta.QuarkusTransaction;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.ws.rs.WebApplicationException;
import org.eclipse.microprofile.rest.client.inject.RestClient;

/**
 * Incident numbers: the project's {@code issues} counter in import-service, as GitLab's incidents are
 * issues, so that an incident created during an import never takes an imported issue's number.
 * Called before the transaction that creates the incident, never inside one.
 */
@ApplicationScoped
public class IncidentIidAllocator {

    private final ImportServiceIids importService;
    private final EntityManager em;

    public IncidentIidAllocator(@RestClient ImportServiceIids importService, EntityManager em) {
        this.importService = importService;
        this.em = em;
    }

    /**
     * The project's next issue number. It is above every incident numbered here already: incidents
     * numbered before the counter moved to import-service raise it first.
     *
     * @throws DependencyUnavailable while import-service cannot give one (an outage: waited out, or a 503)
     */
    public long next(long projectId) {
        long highestHere = QuarkusTransaction.requiringNew().call(() -> ((Number) em.createNativeQuery(
                "SELECT COALESCE(max(iid), 0) FROM incident WHERE project_id = :project")
                .setParameter("project", projectId).getSingleResult()).longValue());
        try {
            long iid = importService.next(projectId).iid();
            if (iid <= highestHere) {
                importService.track(projectId, new ImportServiceIids.Iid(highestHere));
                iid = importService.next(projectId).iid();
            }
            return iid;
        } catch (WebApplicationException e) {
            if (e.getResponse().getStatus() < 500) {
                throw new IllegalStateException("import-service refused the next issues IID of project " + projectId + ": "
                        + e.getResponse().getStatus(), e);
            }
            throw unavailable(e);
        } catch (RuntimeException e) {
            throw unavailable(e);
        }
    }

    private static DependencyUnavailable unavailable(RuntimeException e) {
        return new DependencyUnavailable("import-service, which numbers incidents (the project's issues counter), cannot give one now ("
                + Causes.describe(e) + ")", e);
    }
}
