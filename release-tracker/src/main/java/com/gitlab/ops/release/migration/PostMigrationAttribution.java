package com.gitlab.ops.release.migration;

import com.gitlab.ops.platform.work.Backoff;
import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import com.gitlab.ops.release.note.ReleaseNoteService;
import com.gitlab.ops.release.pkg.AutoDeployPackage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Objects;
import java.util.Optional;
import java.util.Set;
import org.jboss.logging.Logger;

/**
 * Which post-migrations each package introduced, by the packages' build order, never by the order
 * their events arrive in. Among the packages deployed to the reference environment, each one's
 * post-migrations are the files added since the package built just before it; the oldest is the
 * baseline and introduces nothing. A file belongs to the earliest package, in build order, that
 * adds it. A late package (built before others already seen there) becomes the predecessor of the
 * one built after it, which is worked out again, and notes that no longer say the truth are
 * corrected.
 *
 * <p>Only database work happens here, inside the caller's transaction; reading Git is the
 * {@link PostMigrationResolver}'s, outside any transaction. Every change to attribution takes one
 * transaction-level advisory lock, so that a consumer's new deployment and a resolver's result (of
 * any instance) never interleave: the resolver's result is taken only if the package's predecessor
 * is still the one it compared with.
 */
@ApplicationScoped
public class PostMigrationAttribution {

    private static final Logger LOG = Logger.getLogger(PostMigrationAttribution.class);
    /** The advisory lock of attribution changes ("rtattrib"). */
    private static final long LOCK = 0x7274617474726962L;
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    private final EntityManager em;
    private final ReleaseNoteService notes;
    private final ReleaseTrackerConfig config;
    private final Clock clock;

    public PostMigrationAttribution(EntityManager em, ReleaseNoteService notes, ReleaseTrackerConfig config, Clock clock) {
        this.clock = clock;
        this.em = em;
        this.notes = notes;
        this.config = config;
    }

    /** The event said which post-migrations the package adds: trusted, no diff. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void listed(AutoDeployPackage pkg, List<String> files) {
        lock();
        Set<String> touched = new LinkedHashSet<>(filesOf(pkg));
        replaceFiles(pkg, files);
        touched.addAll(files);
        pkg.postMigrationsState = AutoDeployPackage.LISTED;
        pkg.postMigrationsError = null;
        pkg.retryAt = null;
        pkg.claimedUntil = null;
        reconcileNotes(pkg, touched);
    }

    /**
     * The package was deployed to the reference environment for the first time: it is worked out in
     * the background, and so is the package built just after it, whose predecessor it now is.
     * @return whether anything is left for the resolver
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public boolean deployedToReference(AutoDeployPackage pkg) {
        lock();
        boolean work = false;
        if (AutoDeployPackage.LISTED.equals(pkg.postMigrationsState)) {
            reconcileNotes(pkg, Set.copyOf(filesOf(pkg)));
        } else {
            markPending(pkg);
            work = true;
        }
        Optional<AutoDeployPackage> next = neighbour(pkg, false);
        if (next.isPresent() && !AutoDeployPackage.LISTED.equals(next.get().postMigrationsState)) {
            LOG.infof("%s was built before %s, which was deployed to %s first: %s is worked out again", pkg.version,
                    next.get().version, config.referenceEnvironment(), next.get().version);
            markPending(next.get());
            work = true;
        }
        return work;
    }

    /** The package built just before this one among those deployed to the reference environment: what it is compared with. */
    public Optional<AutoDeployPackage> predecessor(AutoDeployPackage pkg) {
        return neighbour(pkg, true);
    }

    /**
     * The resolver's answer for a claimed package. Taken only if the package still waits for one and
     * its predecessor is the one the resolver compared with; otherwise it is left pending, to be
     * worked out again against the new one.
     */
    @Transactional(Transactional.TxType.MANDATORY)
    public void resolved(long packageId, Long comparedWithId, List<String> files) {
        lock();
        AutoDeployPackage pkg = stillWaiting(packageId, comparedWithId);
        if (pkg == null) {
            return;
        }
        Set<String> touched = new LinkedHashSet<>(filesOf(pkg));
        replaceFiles(pkg, files);
        touched.addAll(files);
        pkg.postMigrationsState = comparedWithId == null ? AutoDeployPackage.BASELINE : AutoDeployPackage.COMPUTED;
        pkg.comparedWith = comparedWithId;
        pkg.postMigrationsError = null;
        pkg.retryAt = null;
        pkg.claimedUntil = null;
        pkg.resolvedAt = OffsetDateTime.now(clock);
        reconcileNotes(pkg, touched);
    }

    /** The resolver could not work the package out: an error with its reason, retried with backoff (2 s doubling to 10 min). */
    @Transactional(Transactional.TxType.MANDATORY)
    public void failed(long packageId, Long comparedWithId, String reason) {
        lock();
        AutoDeployPackage pkg = stillWaiting(packageId, comparedWithId);
        if (pkg == null) {
            return;
        }
        pkg.attempts++;
        pkg.postMigrationsState = AutoDeployPackage.ERROR;
        pkg.postMigrationsError = reason;
        pkg.comparedWith = comparedWithId;
        pkg.claimedUntil = null;
        pkg.retryAt = OffsetDateTime.now(clock).plus(Backoff.after(pkg.attempts, Duration.ofSeconds(2), MAX_BACKOFF));
        LOG.warnf("Post-migrations of %s: %s (attempt %d, again at %s)", pkg.version, reason, pkg.attempts, pkg.retryAt);
    }

    /** Gives up a claim without an answer (the worker failed), so that the next poll takes the package again. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void release(long packageId) {
        em.createNativeQuery("UPDATE package SET claimed_until = NULL WHERE id = :id").setParameter("id", packageId).executeUpdate();
    }

    /**
     * The environments where a package's post-migrations have run: the pipeline ran there with it or
     * with a package built after it.
     */
    @SuppressWarnings("unchecked")
    public List<String> ranOn(String version, OffsetDateTime builtAt) {
        return em.createNativeQuery("""
                        SELECT DISTINCT r.environment FROM post_migrations_run r JOIN package q ON q.id = r.package_id
                        WHERE (q.built_at, q.version) >= (:builtAt, :version) ORDER BY r.environment""")
                .setParameter("builtAt", builtAt).setParameter("version", version).getResultList();
    }

    /** The files the package introduced: those it adds that no package built before it adds too. */
    @SuppressWarnings("unchecked")
    public List<String> introducedBy(long packageId) {
        // The view's rule (the earliest package that adds a file) for one package, without sorting them all.
        return em.createNativeQuery("""
                        SELECT pm.path FROM post_migration pm JOIN package p ON p.id = pm.package_id
                        WHERE pm.package_id = :pkg AND NOT EXISTS (
                            SELECT 1 FROM post_migration o JOIN package q ON q.id = o.package_id
                            WHERE o.path = pm.path AND (q.built_at, q.version) < (p.built_at, p.version))
                        ORDER BY pm.path""")
                .setParameter("pkg", packageId).getResultList();
    }

    private AutoDeployPackage stillWaiting(long packageId, Long comparedWithId) {
        AutoDeployPackage pkg = em.find(AutoDeployPackage.class, packageId);
        em.refresh(pkg);
        if (!AutoDeployPackage.PENDING.equals(pkg.postMigrationsState) && !AutoDeployPackage.ERROR.equals(pkg.postMigrationsState)) {
            pkg.claimedUntil = null;
            return null;
        }
        Long now = predecessor(pkg).map(p -> p.id).orElse(null);
        if (!Objects.equals(now, comparedWithId)) {
            markPending(pkg);
            return null;
        }
        return pkg;
    }

    private void markPending(AutoDeployPackage pkg) {
        pkg.postMigrationsState = AutoDeployPackage.PENDING;
        pkg.retryAt = null;
        pkg.claimedUntil = null;
    }

    private Optional<AutoDeployPackage> neighbour(AutoDeployPackage pkg, boolean before) {
        @SuppressWarnings("unchecked")
        List<AutoDeployPackage> found = em.createNativeQuery("""
                        SELECT p.* FROM deployment d JOIN package p ON p.id = d.package_id
                        WHERE d.environment = :ref AND (p.built_at, p.version) %s (:builtAt, :version)
                        ORDER BY p.built_at %s, p.version %s LIMIT 1""".formatted(before ? "<" : ">", before ? "DESC" : "ASC",
                        before ? "DESC" : "ASC"), AutoDeployPackage.class)
                .setParameter("ref", config.referenceEnvironment()).setParameter("builtAt", pkg.builtAt)
                .setParameter("version", pkg.version).getResultList();
        return found.stream().findFirst();
    }

    /**
     * Brings the notes up to date for every package whose introduced files may have changed: this
     * one, and any other that adds one of the files it added before or adds now.
     */
    private void reconcileNotes(AutoDeployPackage pkg, Set<String> touched) {
        em.flush();
        List<Long> affected = new ArrayList<>(List.of(pkg.id));
        if (!touched.isEmpty()) {
            @SuppressWarnings("unchecked")
            List<Number> others = em.createNativeQuery("""
                            SELECT DISTINCT pm.package_id FROM post_migration pm JOIN deployment d
                              ON d.package_id = pm.package_id AND d.environment = :ref
                            WHERE pm.path IN (:paths) AND pm.package_id <> :pkg""")
                    .setParameter("ref", config.referenceEnvironment()).setParameter("paths", touched).setParameter("pkg", pkg.id)
                    .getResultList();
            others.forEach(id -> affected.add(id.longValue()));
        }
        for (Long id : affected) {
            AutoDeployPackage p = em.find(AutoDeployPackage.class, id);
            if (id.equals(pkg.id) && !isDeployedToReference(p)) {
                continue;
            }
            notes.sync(p, introducedBy(id));
        }
    }

    private boolean isDeployedToReference(AutoDeployPackage pkg) {
        return !em.createNativeQuery("SELECT 1 FROM deployment WHERE package_id = :pkg AND environment = :ref")
                .setParameter("pkg", pkg.id).setParameter("ref", config.referenceEnvironment()).getResultList().isEmpty();
    }

    @SuppressWarnings("unchecked")
    private List<String> filesOf(AutoDeployPackage pkg) {
        return em.createNativeQuery("SELECT path FROM post_migration WHERE package_id = :pkg ORDER BY path")
                .setParameter("pkg", pkg.id).getResultList();
    }

    private void replaceFiles(AutoDeployPackage pkg, List<String> files) {
        em.createNativeQuery("DELETE FROM post_migration WHERE package_id = :pkg").setParameter("pkg", pkg.id).executeUpdate();
        for (String path : new LinkedHashSet<>(files)) {
            em.createNativeQuery("INSERT INTO post_migration (path, file_name, package_id) VALUES (:path, :name, :pkg)")
                    .setParameter("path", path).setParameter("name", path.substring(path.lastIndexOf('/') + 1))
                    .setParameter("pkg", pkg.id).executeUpdate();
        }
    }

    private void lock() {
        em.createNativeQuery("SELECT 1 FROM (SELECT pg_advisory_xact_lock(:key)) locked").setParameter("key", LOCK).getSingleResult();
    }
}
