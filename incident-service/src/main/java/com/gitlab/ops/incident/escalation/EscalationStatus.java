package com.gitlab.ops.incident.escalation;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Optional;

/** An incident's escalation status record. Absent until something sets it: GitLab's "None". */
@Entity
@Table(name = "escalation_status")
public class EscalationStatus extends PanacheEntityBase {

    @Id
    @Column(name = "incident_id")
    public Long incidentId;

    @Column(nullable = false)
    public short status;

    @Column(name = "policy_id")
    public Long policyId;

    @Column(name = "escalations_started_at")
    public OffsetDateTime escalationsStartedAt;

    @Column(name = "resolved_at")
    public OffsetDateTime resolvedAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    public static Optional<EscalationStatus> forIncident(long incidentId) {
        return findByIdOptional(incidentId);
    }

    public EscalationState state() {
        return new EscalationState(EscalationStatusName.ofCode(status), policyId, escalationsStartedAt, resolvedAt);
    }

    void set(EscalationState state, OffsetDateTime now) {
        status = state.status().code();
        policyId = state.policyId();
        escalationsStartedAt = state.escalationsStartedAt();
        resolvedAt = state.resolvedAt();
        updatedAt = now;
    }
}
