package com.gitlab.ops.incident.policy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;

/** Page the target when the incident is still below {@code status} after {@code elapsedTimeSeconds}. */
@Entity
@Table(name = "escalation_rule")
public class EscalationRule extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @ManyToOne(optional = false)
    @JoinColumn(name = "policy_id")
    public EscalationPolicy policy;

    @Column(nullable = false)
    public int position;

    /** The status code: acknowledged (1) or resolved (2). */
    @Column(nullable = false)
    public short status;

    @Column(name = "elapsed_time_seconds", nullable = false)
    public int elapsedTimeSeconds;

    @Column(name = "user_id")
    public Long userId;

    @Column(name = "oncall_schedule_id")
    public Long oncallScheduleId;
}
