package com.gitlab.ops.release.pkg;

import io.quarkus.hibernate.orm.panache.PanacheEntityBase;
import jakarta.persistence.Column;
import jakarta.persistence.Entity;
import jakarta.persistence.GeneratedValue;
import jakarta.persistence.GenerationType;
import jakarta.persistence.Id;
import jakarta.persistence.Table;
import java.time.OffsetDateTime;
import java.util.Optional;
import java.util.Set;

/** An auto-deploy package the tracker has seen, and what it introduced. */
@Entity
@Table(name = "package")
public class AutoDeployPackage extends PanacheEntityBase {

    /** Not deployed to the reference environment: nothing to work out yet. */
    public static final String UNKNOWN = "unknown";
    /** Deployed there; the resolver works out what it introduced, in the background. */
    public static final String PENDING = "pending";
    /** The oldest package deployed there: introduces nothing as far as the tracker can know. */
    public static final String BASELINE = "baseline";
    /** Given by an event, trusted as is. */
    public static final String LISTED = "listed";
    /** The diff against the package built before it, among those deployed there. */
    public static final String COMPUTED = "computed";
    /** Could not be worked out (the reason is kept); retried at {@code retryAt}. */
    public static final String ERROR = "error";

    /** The states that say what a package introduced; any other leaves it unknown. */
    public static final Set<String> KNOWN = Set.of(BASELINE, LISTED, COMPUTED);

    @Id
    @GeneratedValue(strategy = GenerationType.IDENTITY)
    public Long id;

    @Column(nullable = false)
    public String version;

    @Column(nullable = false)
    public String release;

    @Column(name = "built_at", nullable = false)
    public OffsetDateTime builtAt;

    @Column(name = "gitlab_commit", nullable = false)
    public String gitlabCommit;

    @Column(name = "omnibus_commit", nullable = false)
    public String omnibusCommit;

    @Column(name = "post_migrations_state", nullable = false)
    public String postMigrationsState;

    @Column(name = "post_migrations_error")
    public String postMigrationsError;

    @Column(name = "compared_with")
    public Long comparedWith;

    @Column(name = "retry_at")
    public OffsetDateTime retryAt;

    public int attempts;

    @Column(name = "claimed_until")
    public OffsetDateTime claimedUntil;

    @Column(name = "resolved_at")
    public OffsetDateTime resolvedAt;

    @Column(name = "first_seen_at", nullable = false)
    public OffsetDateTime firstSeenAt;

    public static Optional<AutoDeployPackage> findByVersion(String version) {
        return find("version", version).firstResultOptional();
    }

    public PackageVersion parsed() {
        return PackageVersion.parse(version);
    }
}
