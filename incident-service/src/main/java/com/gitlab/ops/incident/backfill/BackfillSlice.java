package com.gitlab.ops.incident.backfill;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.Id;
import jakarta.persistence.IdClass;
import jakarta.persistence.Table;
import java.io.Serializable;

/** One worker's share of a repair job: a range of incident ids, and how far into it the job is. */
@Entity
@Table(name = "backfill_slice")
@IdClass(BackfillSlice.Key.class)
public class BackfillSlice extends PanacheEntityBase {

    /** Hibernate takes a record as the id class; its equals and hashCode are the ones an id needs. */
    public record Key(long jobId, int slice) implements Serializable {}

    @Id
    @Column(name = "job_id")
    public long jobId;

    @Id
    public int slice;

    /** Incidents are visited in id order; the slice resumes after this one. */
    @Column(name = "last_incident_id")
    public long lastIncidentId;

    /** The slice's last incident id, inclusive; null for the last slice, which goes to the end. */
    @Column(name = "up_to")
    public Long upTo;

    public boolean done;

    /** The bound for queries: the slice's own, or every id for the last slice. */
    long upToOrEnd() {
        return upTo == null ? Long.MAX_VALUE : upTo;
    }
}
