package com.gitlab.ops.release.note;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.List;

/** The note on a release issue for one package: kept here, and posted to GitLab when configured. */
@Entity
@Table(name = "release_note")
public class ReleaseNote extends PanacheEntityBase {

    /** No GitLab API is configured: the note is kept by the tracker only. */
    public static final String KEPT = "kept";
    /** Waiting to be posted, or (with a GitLab note id) to have a correction edited in; retried after a failure. */
    public static final String PENDING = "pending";
    public static final String POSTED = "posted";

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(name = "package_id", nullable = false)
    public long packageId;

    @Column(nullable = false)
    public String release;

    @Column(nullable = false)
    public String body;

    @Column(nullable = false)
    public String state;

    public int attempts;

    @Column(name = "last_error")
    public String lastError;

    @Column(name = "next_attempt_at")
    public OffsetDateTime nextAttemptAt;

    @Column(name = "gitlab_note_id")
    public Long gitlabNoteId;

    @Column(name = "created_at", nullable = false)
    public OffsetDateTime createdAt;

    @Column(name = "posted_at")
    public OffsetDateTime postedAt;

    /** The files the body lists, one a line: what a correction compares with. */
    @Column(nullable = false)
    public String files;

    /** Raised by each correction, so that a send that raced one sends again. */
    public int revision;

    @Column(name = "issue_iid")
    public Long issueIid;

    @Column(name = "claimed_until")
    public OffsetDateTime claimedUntil;

    @Column(name = "corrected_at")
    public OffsetDateTime correctedAt;

    public List<String> fileList() {
        return files.isEmpty() ? List.of() : List.of(files.split("\n"));
    }
}
