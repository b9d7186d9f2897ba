package com.gitlab.ops.incident.backfill;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import org.hibernate.annotations.SQLRestriction;

/**
 * A run of the escalation status repair job: an admin job (platform's {@code admin_job}) of its own
 * kind, with columns of its own; the progress it resumes from is in its {@link BackfillSlice}s.
 */
@Entity
@Table(name = "admin_job")
@SQLRestriction("kind = 'escalation_status_backfill'")
public class BackfillJob extends PanacheEntityBase {

    public static final String KIND = "escalation_status_backfill";
    public static final String RUNNING = "running";
    public static final String DONE = "done";
    public static final String FAILED = "failed";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String kind = KIND;

    @Column(nullable = false)
    public String state;

    @Column(nullable = false)
    public boolean rebuild;

    public long total;

    /** Incidents with alerts looked at so far. */
    public long done;

    /** Records the job wrote. */
    public long created;

    public String error;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "updated_at", nullable = false)
    public OffsetDateTime updatedAt;
}
