package com.gitlab.ops.release.note;

import com.gitlab.ops.platform.flags.FeatureFlags;
import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import com.gitlab.ops.release.pkg.AutoDeployPackage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;

/**
 * The note a package that introduces post-migrations gets on its release issue, while
 * {@code post_deploy_migrations_note} is on: at most one per package, however often its events arrive.
 */
@ApplicationScoped
public class ReleaseNotes {

    public static final String FLAG = "post_deploy_migrations_note";

    private final EntityManager em;
    private final FeatureFlags flags;
    private final ReleaseTrackerConfig config;
    private final NoteSender sender;

    public ReleaseNotes(EntityManager em, FeatureFlags flags, ReleaseTrackerConfig config, NoteSender sender) {
        this.em = em;
        this.flags = flags;
        this.config = config;
        this.sender = sender;
    }

    @Transactional(Transactional.TxType.MANDATORY)
    public void create(AutoDeployPackage pkg, List<String> files) {
        if (files.isEmpty() || !flags.isEnabled(FLAG)) {
            return;
        }
        boolean gitlab = config.gitlabUrl().isPresent() && config.gitlabProject().isPresent();
        int created = em.createNativeQuery("""
                        INSERT INTO release_note (package_id, release, body, state, next_attempt_at, created_at)
                        VALUES (:pkg, :release, :body, :state, :next, :now) ON CONFLICT (package_id) DO NOTHING""")
                .setParameter("pkg", pkg.id).setParameter("release", pkg.release).setParameter("body", body(pkg.version, files))
                .setParameter("state", gitlab ? ReleaseNote.PENDING : ReleaseNote.KEPT)
                .setParameter("next", gitlab ? OffsetDateTime.now(ZoneOffset.UTC) : null)
                .setParameter("now", OffsetDateTime.now(ZoneOffset.UTC))
                .executeUpdate();
        if (created == 1 && gitlab) {
            sender.wakeAfterCommit();
        }
    }

    static String body(String version, List<String> files) {
        StringBuilder body = new StringBuilder("Auto-deploy package `").append(version).append("` introduces post-deploy migrations:\n");
        files.forEach(f -> body.append("- `").append(f).append("`\n"));
        return body.toString();
    }
}
