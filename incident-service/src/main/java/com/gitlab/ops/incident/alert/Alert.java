package com.gitlab.ops.incident.alert;

import com.gitlab.ops.incident.incident.Incident;
import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.JoinColumn;
import jakarta.persistence.ManyToOne;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;

/** The last state of an alert, as its owner last described it. */
@Entity
@Table(name = "alert")
public class Alert extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "project_id", nullable = false)
    public long projectId;

    @Column(nullable = false)
    public long iid;

    @Column(name = "project_path")
    public String projectPath;

    @Column(nullable = false)
    public String title;

    @Column(nullable = false)
    public short status;

    @Column(nullable = false)
    public String severity;

    @Column(name = "escalation_policy_id")
    public Long escalationPolicyId;

    @ManyToOne
    @JoinColumn(name = "incident_id")
    public Incident incident;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;

    /** When the alert was created: the event's {@code created_at}, else the first state seen. */
    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    public static void link(long alertId, Incident incident) {
        getEntityManager().createNativeQuery("UPDATE alert SET incident_id = :incident WHERE id = :id")
                .setParameter("incident", incident.id).setParameter("id", alertId).executeUpdate();
    }

    public static Optional<Alert> findByIid(long projectId, long iid) {
        return find("projectId = ?1 and iid = ?2", projectId, iid).firstResultOptional();
    }

    /**
     * The alert an incident follows when several are linked: the one updated last (ties: the later
     * alert). The alert sync and the repair job both follow it.
     */
    public static Optional<Alert> followedBy(long incidentId) {
        return find("incident.id = ?1 order by updatedAt desc, id desc", incidentId).firstResultOptional();
    }

    public static List<Long> iidsOf(Incident incident) {
        return getEntityManager()
                .createQuery("select a.iid from Alert a where a.incident = :incident order by a.iid", Long.class)
                .setParameter("incident", incident).getResultList();
    }
}
