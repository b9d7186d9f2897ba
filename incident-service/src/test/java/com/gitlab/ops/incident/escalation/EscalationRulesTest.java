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

        OffsetDateTime later = NOW.plusHours(1);
        EscalationRules.Outcome reopened = EscalationRules.apply(resolved.state(), status(ACKNOWLEDGED), later);
        assertEquals(new EscalationState(ACKNOWLEDGED, 7L, later, null), reopened.state());
        assertTrue(reopened.cancelPending() && reopened.startPending());
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
    void anAlertSyncCopiesStatusAndPolicyWithoutRetriggering() {
        EscalationRules.Outcome created = EscalationRules.apply(null, EscalationChange.fromAlert(ACKNOWLEDGED, 7L), NOW);
        assertEquals(new EscalationState(ACKNOWLEDGED, 7L, NOW, null), created.state());
        assertTrue(created.startPending());

        EscalationRules.Outcome noPolicy = EscalationRules.apply(null, EscalationChange.fromAlert(RESOLVED, null), NOW);
        assertEquals(new EscalationState(RESOLVED, null, null, NOW), noPolicy.state());
        assertFalse(noPolicy.startPending());
    }
}
