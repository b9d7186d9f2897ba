package com.gitlab.ops.incident.alert;

/** An alert as its owner names it: its project and its number there. */
public record AlertKey(long projectId, long iid) {

    public static AlertKey of(AlertUpdated update) {
        return new AlertKey(update.projectId(), update.alertIid());
    }
}
