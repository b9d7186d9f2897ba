package com.gitlab.ops.incident.escalation;

import static com.gitlab.ops.incident.escalation.EscalationStatusName.ACKNOWLEDGED;
import static com.gitlab.ops.incident.escalation.EscalationStatusName.IGNORED;
import static com.gitlab.ops.incident.escalation.EscalationStatusName.RESOLVED;
import static com.gitlab.ops.incident.escalation.EscalationStatusName.TRIGGERED;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.util.Optional;
import org.junit.jupiter.api.Test;

class EscalationRulesTest {

    private static final OffsetDateTime EARLIER = OffsetDateTime.parse("2026-11-20T10:00:00Z");
    private static final OffsetDateTime NOW = OffsetDateTime.parse("2026-11-21T10:00:00Z");

    private static EscalationChange status(EscalationStatusName status) {
        return EscalationChange.byUser(Optional.of(status), Optional.empty());
    }

    private static EscalationChange policy(Long policyId) {
        return EscalationChange.byUser(Optional.empty(), Optional.of(Optional.ofNullable(policyId)));
    }

    @Test
    void aStatusChangeOnAnIncidentWithoutARecordCreatesItWithThatStatus() {
        EscalationRules.Outcome outcome = EscalationRules.apply(null, status(ACKNOWLEDGED), NOW);
        assertTrue(outcome.changed());
        assertEquals(new EscalationState(ACKNOWLEDGED, null, null, null), outcome.state());
        assertFalse(outcome.startPending());
    }

    @Test
    void aPolicyOnAnIncidentWithoutARecordTriggersAndStartsEscalations() {
        EscalationRules.Outcome outcome = EscalationRules.apply(null,
                EscalationChange.byUser(Optional.of(RESOLVED), Optional.of(Optional.of(7L))), NOW);
        assertEquals(new EscalationState(TRIGGERED, 7L, NOW, null), outcome.state(), "a new policy overrides the status asked for");
        assertTrue(outcome.startPending());
    }

    @Test
    void aNewPolicyRetriggersAndRestarts_theSamePolicyChangesNothing() {
        EscalationState acknowledged = new EscalationState(ACKNOWLEDGED, 7L, EARLIER, null);

        EscalationRules.Outcome other = EscalationRules.apply(acknowledged, policy(8L), NOW);
        assertEquals(new EscalationState(TRIGGERED, 8L, NOW, null), other.state());
        assertTrue(other.cancelPending() && other.startPending());

        EscalationRules.Outcome same = EscalationRules.apply(acknowledged, policy(7L), NOW);
        assertFalse(same.changed());
        assertFalse(same.cancelPending() || same.startPending());
    }

    @Test
    void clearingThePolicyClearsTheStartAndCancels() {
        EscalationRules.Outcome outcome = EscalationRules.apply(new EscalationState(TRIGGERED, 7L, EARLIER, null), policy(null), NOW);
        assertEquals(new EscalationState(TRIGGERED, null, null, null), outcome.state());
        assertTrue(outcome.cancelPending());
        assertFalse(outcome.startPending());
    }

    @Test
    void resolvingSetsResolvedAtAndCancels_reopeningClearsItAndRestarts() {
        EscalationRules.Outcome resolved = EscalationRules.apply(new EscalationState(TRIGGERED, 7L, EARLIER, null), status(RESOLVED), NOW);
        assertEquals(new EscalationState(RESOLVED, 7L, EARLIER, NOW), resolved.state());
        assertTrue(resolved.cancelPending());
        assertFalse(resolved.startPending());

        // GitLab: only a move to triggered restarts escalations_started_at; reopening restarts the pending
        // escalations, counted from the change.
        OffsetDateTime later = NOW.plusHours(1);
        EscalationRules.Outcome reopened = EscalationRules.apply(resolved.state(), status(ACKNOWLEDGED), later);
        assertEquals(new EscalationState(ACKNOWLEDGED, 7L, EARLIER, null), reopened.state());
        assertTrue(reopened.cancelPending() && reopened.startPending());
        assertEquals(later, reopened.pendingFrom());

        EscalationRules.Outcome retriggered = EscalationRules.apply(resolved.state(), status(TRIGGERED), later);
        assertEquals(new EscalationState(TRIGGERED, 7L, later, null), retriggered.state());
        assertTrue(retriggered.cancelPending() && retriggered.startPending());
        assertEquals(later, retriggered.pendingFrom());
    }

    @Test
    void backToTriggeredRestartsTheStartButKeepsPendingEscalations_andHasThemCheckedAgain() {
        EscalationState acknowledged = new EscalationState(ACKNOWLEDGED, 7L, EARLIER, null);
        EscalationRules.Outcome triggered = EscalationRules.apply(acknowledged, status(TRIGGERED), NOW);
        assertEquals(new EscalationState(TRIGGERED, 7L, NOW, null), triggered.state());
        assertFalse(triggered.cancelPending() || triggered.startPending(), "both statuses are open: GitLab keeps pending escalations");
        assertTrue(triggered.recheckPending(), "a rule skipped while acknowledged applies again");

        EscalationRules.Outcome withoutPolicy = EscalationRules.apply(new EscalationState(ACKNOWLEDGED, null, null, null), status(TRIGGERED), NOW);
        assertEquals(new EscalationState(TRIGGERED, null, null, null), withoutPolicy.state());

        EscalationRules.Outcome up = EscalationRules.apply(new EscalationState(TRIGGERED, 7L, EARLIER, null), status(ACKNOWLEDGED), NOW);
        assertEquals(new EscalationState(ACKNOWLEDGED, 7L, EARLIER, null), up.state(), "acknowledging keeps the start");
        assertFalse(up.recheckPending());
    }

    @Test
    void resolvingAgainKeepsTheFirstResolvedAt() {
        EscalationState resolved = new EscalationState(RESOLVED, null, null, EARLIER);
        EscalationRules.Outcome outcome = EscalationRules.apply(resolved, status(RESOLVED), NOW);
        assertFalse(outcome.changed());
        assertEquals(EARLIER, outcome.state().resolvedAt());
    }

    @Test
    void acknowledgingKeepsPendingEscalations_ignoringCancelsThem() {
        EscalationState triggered = new EscalationState(TRIGGERED, 7L, EARLIER, null);
        EscalationRules.Outcome acknowledged = EscalationRules.apply(triggered, status(ACKNOWLEDGED), NOW);
        assertFalse(acknowledged.cancelPending(), "the due check compares the status with each rule's");

        EscalationRules.Outcome ignored = EscalationRules.apply(triggered, status(IGNORED), NOW);
        assertTrue(ignored.cancelPending());
        assertFalse(ignored.startPending());
        assertNull(ignored.state().resolvedAt());
    }

    @Test
    void aRecordBuiltFromAnAlertStartsEscalationsWhenTheAlertWasCreated() {
        EscalationRules.Outcome created = EscalationRules.apply(null, EscalationChange.fromAlert(ACKNOWLEDGED, 7L, EARLIER), NOW);
        assertEquals(new EscalationState(ACKNOWLEDGED, 7L, EARLIER, null), created.state());
        assertTrue(created.startPending());
        assertEquals(EARLIER, created.pendingFrom(), "rules fall due counted from the alert's creation");

        EscalationRules.Outcome noPolicy = EscalationRules.apply(null, EscalationChange.fromAlert(RESOLVED, null, EARLIER), NOW);
        assertEquals(new EscalationState(RESOLVED, null, null, NOW), noPolicy.state());
        assertFalse(noPolicy.startPending());
    }

    @Test
    void anAlertSyncCopiesStatusAndPolicyWithoutRetriggering() {
        EscalationState acknowledged = new EscalationState(ACKNOWLEDGED, 7L, EARLIER, null);
        EscalationRules.Outcome otherPolicy = EscalationRules.apply(acknowledged, EscalationChange.fromAlert(ACKNOWLEDGED, 8L, EARLIER), NOW);
        assertEquals(new EscalationState(ACKNOWLEDGED, 8L, NOW, null), otherPolicy.state());
        assertTrue(otherPolicy.cancelPending() && otherPolicy.startPending());

        EscalationRules.Outcome same = EscalationRules.apply(acknowledged, EscalationChange.fromAlert(ACKNOWLEDGED, 7L, EARLIER), NOW);
        assertFalse(same.changed());
    }
}
