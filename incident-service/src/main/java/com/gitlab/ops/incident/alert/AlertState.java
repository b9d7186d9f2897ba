package com.gitlab.ops.incident.alert;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/**
 * An alert's stored state as the set-based path reads and writes it, and how a run of updates
 * changes it: exactly as the same updates written one at a time by {@link AlertRows#upsert} would.
 */
public record AlertState(AlertKey key, String projectPath, String title, String status, String severity, Long policyId,
        OffsetDateTime updatedAt, OffsetDateTime createdAt, Long incidentId) {

    /** An update as the state of a new alert: what one update at a time writes, the stored row guarding it. */
    public static AlertState of(AlertUpdated update) {
        return after(Optional.empty(), List.of(update)).orElseThrow();
    }

    /**
     * Applies updates of one alert, in their order, to what is stored: a newer state replaces it
     * (the path only when the update names one, the creation time only ever earlier), an older or
     * equally old one changes nothing.
     *
     * @return the state after them, or empty when none of them changed anything
     */
    public static Optional<AlertState> after(Optional<AlertState> stored, List<AlertUpdated> updates) {
        AlertState state = stored.orElse(null);
        boolean changed = false;
        for (AlertUpdated update : updates) {
            OffsetDateTime createdAt = update.createdAt().orElse(update.updatedAt());
            if (state == null) {
                state = new AlertState(AlertKey.of(update), update.projectPath().orElse(null), update.title(), update.status(), update.severity(),
                        update.escalationPolicyId().orElse(null), update.updatedAt(), createdAt, null);
            } else if (state.updatedAt.isBefore(update.updatedAt())) {
                state = new AlertState(state.key, update.projectPath().orElse(state.projectPath), update.title(), update.status(),
                        update.severity(), update.escalationPolicyId().orElse(null), update.updatedAt(),
                        createdAt.isBefore(state.createdAt) ? createdAt : state.createdAt, state.incidentId);
            } else {
                continue;
            }
            changed = true;
        }
        return changed ? Optional.of(state) : Optional.empty();
    }
}
