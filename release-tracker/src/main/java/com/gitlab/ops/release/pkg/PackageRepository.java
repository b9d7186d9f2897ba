package com.gitlab.ops.release.pkg;

import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.OffsetDateTime;

/** The packages the tracker knows: each version once. */
@ApplicationScoped
public class PackageRepository {

    private final EntityManager em;
    private final Clock clock;

    public PackageRepository(EntityManager em, Clock clock) {
        this.em = em;
        this.clock = clock;
    }

    /** The package of this version, recorded the first time it is seen. */
    @Transactional(Transactional.TxType.MANDATORY)
    public AutoDeployPackage findOrCreate(PackageVersion version) {
        em.createNativeQuery("""
                        INSERT INTO package (version, release, built_at, gitlab_commit, omnibus_commit, first_seen_at)
                        VALUES (:version, :release, :builtAt, :gitlab, :omnibus, :now) ON CONFLICT (version) DO NOTHING""")
                .setParameter("version", version.value()).setParameter("release", version.release())
                .setParameter("builtAt", version.builtAt()).setParameter("gitlab", version.gitlabCommit())
                .setParameter("omnibus", version.omnibusCommit()).setParameter("now", OffsetDateTime.now(clock))
                .executeUpdate();
        return AutoDeployPackage.findByVersion(version.value()).orElseThrow();
    }
}
