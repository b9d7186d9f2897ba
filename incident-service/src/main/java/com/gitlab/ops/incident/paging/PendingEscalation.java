package com.gitlab.ops.incident.paging;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/**
 * One rule of an incident's policy waiting for its time. Stored, so it survives restarts. Once due it
 * is kept, and checked again at {@code recheckAt}, while the status is past its rule or the flag is
 * off for the project ({@code heldSince}); it goes once it pages, the incident is closed, or a month
 * after it fell due.
 */
@Entity
@Table(name = "pending_escalation")
public class PendingEscalation extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "incident_id", nullable = false)
    public long incidentId;

    @Column(name = "rule_id", nullable = false)
    public long ruleId;

    @Column(name = "process_at", nullable = false)
    public OffsetDateTime processAt;

    @Column(name = "recheck_at")
    public OffsetDateTime recheckAt;

    @Column(name = "held_since")
    public OffsetDateTime heldSince;
}
