package com.gitlab.ops.incident.paging;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;

/** A page sent for an incident: which rule fired and whom it reached. */
@Entity
@Table(name = "incident_page")
public class IncidentPage extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "incident_id", nullable = false)
    public long incidentId;

    @Column(name = "policy_id", nullable = false)
    public long policyId;

    @Column(name = "rule_status", nullable = false)
    public short ruleStatus;

    @Column(name = "elapsed_time_seconds", nullable = false)
    public int elapsedTimeSeconds;

    @Column(name = "user_id")
    public Long userId;

    @Column(name = "oncall_schedule_id")
    public Long oncallScheduleId;

    @Column(name = "paged_at", nullable = false)
    public OffsetDateTime pagedAt;
}
