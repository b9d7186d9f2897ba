package com.gitlab.ops.incident.incident;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.LockModeType;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Optional;

/** An incident of a project, named by its IID there. */
@Entity
@Table(name = "incident")
public class Incident extends PanacheEntityBase {

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "project_id", nullable = false)
    public long projectId;

    @Column(nullable = false)
    public long iid;

    /** Known when an alert or a request named it; used for flag evaluation by project path. */
    @Column(name = "project_path")
    public String projectPath;

    @Column(nullable = false)
    public String title;

    @Column(nullable = false)
    public String severity;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    public static Optional<Incident> findByIid(long projectId, long iid) {
        return find("projectId = ?1 and iid = ?2", projectId, iid).firstResultOptional();
    }

    /** The incident, locked until the transaction ends: its status changes one at a time. */
    public static Optional<Incident> lockByIid(long projectId, long iid) {
        return find("projectId = ?1 and iid = ?2", projectId, iid).withLock(LockModeType.PESSIMISTIC_WRITE).firstResultOptional();
    }

    public static Incident lock(long id) {
        return findById(id, LockModeType.PESSIMISTIC_WRITE);
    }
}
