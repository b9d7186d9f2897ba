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

/** An auto-deploy package the tracker has seen, and what it introduced. */
@Entity
@Table(name = "package")
public class AutoDeployPackage extends PanacheEntityBase {

    public static final String UNKNOWN = "unknown";
    public static final String BASELINE = "baseline";
    public static final String LISTED = "listed";
    public static final String COMPUTED = "computed";
    public static final String ERROR = "error";

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

    @Column(name = "first_seen_at", nullable = false)
    public OffsetDateTime firstSeenAt;

    public static Optional<AutoDeployPackage> findByVersion(String version) {
        return find("version", version).firstResultOptional();
    }

    public PackageVersion parsed() {
        return PackageVersion.parse(version);
    }
}
