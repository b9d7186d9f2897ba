package com.gitlab.ops.incident.escalation;

import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * GitLab's escalation status rules as one pure function: from the record before (or none) and a
 * change, the record after and what happens to pending escalations.
 *
 * <ul>
 * <li>A new policy sets {@code escalations_started_at} to now and, for a person's change, the status
 * back to triggered; setting the policy already in force changes nothing. Clearing it clears
 * {@code escalations_started_at}.</li>
 * <li>Resolved sets {@code resolved_at}; any other status clears it. Going from a closed status
 * (resolved, ignored) back to an open one with a policy restarts escalations from now.</li>
 * <li>Pending escalations are reset when the policy changes or the status crosses between open and
 * closed: the old ones are cancelled, and new ones start while there is a policy and the status is open.</li>
 * </ul>
 */
public final class EscalationRules {

    private EscalationRules() {
    }

    /** The record after the change, whether anything changed, and what to do with pending escalations. */
    public record Outcome(EscalationState state, boolean changed, boolean cancelPending, boolean startPending) {
    }

    /** @param before the record before, or null when the incident has none yet (it is created) */
    public static Outcome apply(EscalationState before, EscalationChange change, OffsetDateTime now) {
        EscalationState from = before == null ? EscalationState.NEW : before;
        EscalationStatusName status = from.status();
        Long policy = from.policyId();
        OffsetDateTime startedAt = from.escalationsStartedAt();
        boolean policyChanged = false;

        if (change.policy().isPresent()) {
            Long requested = change.policy().get().orElse(null);
            if (!Objects.equals(requested, policy)) {
                policyChanged = true;
                policy = requested;
                startedAt = requested == null ? null : now;
            }
        }
        if (policyChanged && policy != null && change.policyTriggers()) {
            status = EscalationStatusName.TRIGGERED;
        } else if (change.status().isPresent()) {
            status = change.status().get();
        }

        OffsetDateTime resolvedAt = status == EscalationStatusName.RESOLVED
                ? (from.status() == EscalationStatusName.RESOLVED && before != null ? from.resolvedAt() : now)
                : null;
        boolean openChanged = from.status().isOpen() != status.isOpen();
        if (openChanged && status.isOpen() && policy != null && !policyChanged) {
            startedAt = now;
        }

        EscalationState after = new EscalationState(status, policy, startedAt, resolvedAt);
        boolean reset = policyChanged || openChanged;
        return new Outcome(after, before == null || !after.equals(before), reset, reset && policy != null && status.isOpen());
    }
}
