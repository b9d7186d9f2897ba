package com.gitlab.ops.incident.escalation;

import java.time.OffsetDateTime;
import java.util.Objects;

/**
 * GitLab's escalation status rules as one pure function: from the record before (or none) and a
 * change, the record after and what happens to pending escalations. Each rule, with GitLab's code
 * it follows, is in the README's rule table.
 *
 * <ul>
 * <li>A record built from an alert takes the alert's status and policy, and, with a policy,
 * {@code escalations_started_at} = the alert's creation ({@code BuildService}).</li>
 * <li>A new policy sets {@code escalations_started_at} to now and, for a person's change, the status
 * to triggered; the policy already in force changes nothing; clearing it clears the start
 * ({@code PrepareUpdateService}).</li>
 * <li>Any move to triggered restarts {@code escalations_started_at} (or clears it without a policy);
 * moves to acknowledged, resolved or ignored keep it ({@code IssuableEscalationStatus}'s
 * {@code before_transition to: :triggered}).</li>
 * <li>Resolved sets {@code resolved_at}; any other status clears it.</li>
 * <li>Pending escalations are reset only when the policy changes or the status crosses between open
 * (triggered, acknowledged) and closed (resolved, ignored): the old ones are cancelled, and new ones
 * start while there is a policy and the status is open ({@code AfterUpdateService}). Between two open
 * statuses they are kept, and a move down (acknowledged to triggered) has them checked again at once.</li>
 * </ul>
 */
public final class EscalationRules {

    private EscalationRules() {
    }

    /**
     * The record after the change, whether anything changed, and what to do with pending escalations.
     *
     * @param pendingFrom   when new pending escalations count from: the start of escalations where
     *                      this change set it, else now (GitLab's create service counts from now)
     * @param recheckPending whether kept pending escalations are to be checked again at once, the status
     *                       having moved below a rule they were skipped for
     */
    public record Outcome(EscalationState state, boolean changed, boolean cancelPending, boolean startPending,
            OffsetDateTime pendingFrom, boolean recheckPending) {
    }

    /** @param before the record before, or null when the incident has none yet (it is created) */
    public static Outcome apply(EscalationState before, EscalationChange change, OffsetDateTime now) {
        if (before == null && change.alertCreatedAt().isPresent()) {
            return buildFromAlert(change, now);
        }
        EscalationState from = before == null ? EscalationState.NEW : before;
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
        EscalationStatusName status = from.status();
        if (policyChanged && policy != null && change.policyTriggers()) {
            status = EscalationStatusName.TRIGGERED;
        } else if (change.status().isPresent()) {
            status = change.status().get();
        }
        boolean movedToTriggered = status == EscalationStatusName.TRIGGERED && (before == null || from.status() != EscalationStatusName.TRIGGERED);
        if (movedToTriggered && !policyChanged) {
            startedAt = policy == null ? null : now;
        }
        OffsetDateTime resolvedAt = status == EscalationStatusName.RESOLVED
                ? (before != null && from.status() == EscalationStatusName.RESOLVED ? from.resolvedAt() : now)
                : null;

        EscalationState after = new EscalationState(status, policy, startedAt, resolvedAt);
        boolean openChanged = from.status().isOpen() != status.isOpen();
        boolean reset = policyChanged || openChanged;
        boolean startedAtSet = !Objects.equals(startedAt, from.escalationsStartedAt()) && startedAt != null;
        boolean movedDown = !reset && status.code() < from.status().code();
        return new Outcome(after, before == null || !after.equals(before), reset, reset && policy != null && status.isOpen(),
                startedAtSet ? startedAt : now, movedDown);
    }

    private static Outcome buildFromAlert(EscalationChange change, OffsetDateTime now) {
        EscalationStatusName status = change.status().orElse(EscalationStatusName.TRIGGERED);
        Long policy = change.policy().flatMap(p -> p).orElse(null);
        OffsetDateTime startedAt = policy == null ? null : change.alertCreatedAt().orElseThrow();
        OffsetDateTime resolvedAt = status == EscalationStatusName.RESOLVED ? now : null;
        boolean start = policy != null && status.isOpen();
        return new Outcome(new EscalationState(status, policy, startedAt, resolvedAt), true, false, start,
                start ? startedAt : now, false);
    }
}
