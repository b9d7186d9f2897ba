package com.gitlab.ops.release.note;

import com.gitlab.ops.platform.flags.FeatureFlagService;
import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import com.gitlab.ops.release.pkg.AutoDeployPackage;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import jakarta.transaction.Transactional;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.time.format.DateTimeFormatter;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;

/**
 * The note a package that introduces post-migrations gets on its release issue, while
 * {@code post_deploy_migrations_note} is on: at most one per package, however often its events
 * arrive. When a late package changes what a noted package introduced, its note is corrected (edited
 * on GitLab, saying what moved and why), whatever the flag says now: a wrong note is worse than an
 * edit. Each body ends with a hidden marker naming the package, by which the sender finds a note it
 * posted but could not record.
 */
@ApplicationScoped
public class ReleaseNoteService {

    public static final String FLAG = "post_deploy_migrations_note";
    private static final DateTimeFormatter WHEN = DateTimeFormatter.ofPattern("uuuu-MM-dd HH:mm 'UTC'");

    private final EntityManager em;
    private final FeatureFlagService flags;
    private final ReleaseTrackerConfig config;
    private final NoteSender sender;
    private final Clock clock;

    public ReleaseNoteService(EntityManager em, FeatureFlagService flags, ReleaseTrackerConfig config, NoteSender sender, Clock clock) {
        this.clock = clock;
        this.em = em;
        this.flags = flags;
        this.config = config;
        this.sender = sender;
    }

    /** Brings the package's note in line with what it introduces now: made, corrected, or left as it is. */
    @Transactional(Transactional.TxType.MANDATORY)
    public void sync(AutoDeployPackage pkg, List<String> files) {
        // Locked: a sender claiming or recording it meanwhile must not be overwritten, nor overwrite this.
        ReleaseNote note = ReleaseNote.<ReleaseNote>find("packageId", pkg.id).withLock(LockModeType.PESSIMISTIC_WRITE).firstResult();
        OffsetDateTime now = OffsetDateTime.now(clock);
        if (note == null) {
            if (files.isEmpty() || !flags.isEnabled(FLAG)) {
                return;
            }
            note = new ReleaseNote();
            note.packageId = pkg.id;
            note.release = pkg.release;
            note.body = body(pkg.version, files, null);
            note.files = String.join("\n", files);
            note.revision = 1;
            note.createdAt = now;
            note.state = gitlabConfigured() ? ReleaseNote.PENDING : ReleaseNote.KEPT;
            note.nextAttemptAt = gitlabConfigured() ? now : null;
            note.persist();
        } else {
            if (note.fileList().equals(files)) {
                return;
            }
            note.body = body(pkg.version, files, correction(pkg, note.fileList(), files, now));
            note.files = String.join("\n", files);
            note.revision++;
            note.correctedAt = now;
            if (!ReleaseNote.KEPT.equals(note.state)) {
                note.state = ReleaseNote.PENDING;
                note.nextAttemptAt = now;
            }
        }
        if (ReleaseNote.PENDING.equals(note.state)) {
            sender.wakeAfterCommit();
        }
    }

    private boolean gitlabConfigured() {
        return config.gitlabUrl().isPresent() && config.gitlabProject().isPresent();
    }

    /** What moved and why, in a sentence for the release managers who read the note. */
    private String correction(AutoDeployPackage pkg, List<String> before, List<String> after, OffsetDateTime now) {
        List<String> changes = new ArrayList<>();
        for (String file : before) {
            if (!after.contains(file)) {
                changes.add(owner(file).map(owner -> "`" + file + "` moved to `" + owner.version + "`, built "
                                + (owner.builtAt.isBefore(pkg.builtAt) ? "before" : "after") + " this package")
                        .orElseGet(() -> "`" + file + "` is no longer introduced by this package: it was already in `"
                                + comparedWith(pkg) + "`, built before it"));
            }
        }
        for (String file : after) {
            if (!before.contains(file)) {
                changes.add("`" + file + "` is introduced by this package too");
            }
        }
        return "_Corrected " + WHEN.format(now) + ": " + String.join("; ", changes) + ". Packages are ordered by build time, "
                + "whatever order their deployments to " + config.referenceEnvironment() + " were seen in._";
    }

    private Optional<AutoDeployPackage> owner(String file) {
        @SuppressWarnings("unchecked")
        List<AutoDeployPackage> found = em.createNativeQuery("""
                        SELECT p.* FROM introduced_post_migration i JOIN package p ON p.id = i.package_id WHERE i.path = :path""",
                        AutoDeployPackage.class)
                .setParameter("path", file).getResultList();
        return found.stream().findFirst();
    }

    private String comparedWith(AutoDeployPackage pkg) {
        return pkg.comparedWith == null ? "an older package" : em.find(AutoDeployPackage.class, pkg.comparedWith).version;
    }

    /** The hidden line that names the package in its note: how a note posted but not recorded is found again. */
    public static String marker(String version) {
        return "<!-- release-tracker package " + version + " -->";
    }

    static String body(String version, List<String> files, String correction) {
        StringBuilder body = new StringBuilder("Auto-deploy package `").append(version).append('`');
        if (files.isEmpty()) {
            body.append(" introduces no post-deploy migrations.\n");
        } else {
            body.append(" introduces post-deploy migrations:\n");
            files.forEach(f -> body.append("- `").append(f).append("`\n"));
        }
        if (correction != null) {
            body.append('\n').append(correction).append('\n');
        }
        return body.append('\n').append(marker(version)).append('\n').toString();
    }
}
