package com.gitlab.ops.incident.incident;

import com.gitlab.ops.platform.error.ApiException;

/** Look-ups the endpoints share, each failing with the sentence the user reads. */
public final class Incidents {

    private Incidents() {
    }

    public static void requirePositive(long projectId) {
        if (projectId <= 0) {
            throw ApiException.badRequest("project id must be a positive integer");
        }
    }

    public static Incident require(long projectId, long iid) {
        return Incident.findByIid(projectId, iid)
                .orElseThrow(() -> ApiException.notFound("incident " + iid + " does not exist in project " + projectId));
    }

    public static Incident requireLocked(long projectId, long iid) {
        return Incident.lockByIid(projectId, iid)
                .orElseThrow(() -> ApiException.notFound("incident " + iid + " does not exist in project " + projectId));
    }
}
