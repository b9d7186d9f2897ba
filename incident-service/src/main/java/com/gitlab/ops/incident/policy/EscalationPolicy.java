package com.gitlab.ops.incident.policy;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.CascadeType;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.OneToMany;
import jakarta.persistence.OrderBy;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/** A project's escalation policy: who is paged, and when, while an incident stays below a status. */
@Entity
@Table(name = "escalation_policy")
public class EscalationPolicy extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "project_id", nullable = false)
    public long projectId;

    @Column(nullable = false)
    public String name;

    public String description;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @OneToMany(mappedBy = "policy", cascade = CascadeType.ALL, orphanRemoval = true)
    @OrderBy("position")
    public List<EscalationRule> rules = new ArrayList<>();

    public static Optional<EscalationPolicy> findForProject(long projectId, long policyId) {
        return find("id = ?1 and projectId = ?2", policyId, projectId).firstResultOptional();
    }

    public static Optional<EscalationPolicy> findByProject(long projectId) {
        return find("projectId", projectId).firstResultOptional();
    }
}
