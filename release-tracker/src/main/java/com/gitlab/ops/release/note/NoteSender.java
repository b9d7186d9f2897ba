package com.gitlab.ops.release.note;

import com.gitlab.ops.platform.error.Causes;
import com.gitlab.ops.platform.work.AfterCommit;
import com.gitlab.ops.platform.work.Backoff;
import com.gitlab.ops.platform.work.PollingWorker;
import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import com.gitlab.ops.release.pkg.AutoDeployPackage;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.EntityManager;
import jakarta.persistence.LockModeType;
import java.io.IOException;
import java.time.Clock;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.jboss.logging.Logger;

/**
 * Sends pending notes to GitLab: claim, commit, call, record. The claim (a short transaction) makes
 * the note this worker's for the lease; GitLab is called with no transaction open; the outcome is
 * recorded in another. Before posting, the issue is searched for the note's marker, so that a note
 * posted by a send that died before recording it (a crash, a timeout after GitLab took it) is
 * recorded, never posted twice. A correction made while a send was under way is sent after it.
 * Failures are retried with backoff (1 s doubling to 10 min); a pending note shows its last error.
 */
@ApplicationScoped
public class NoteSender {

    private static final Logger LOG = Logger.getLogger(NoteSender.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    private final GitLabNotesClient gitlab;
    private final EntityManager em;
    private final AfterCommit afterCommit;
    private final ReleaseTrackerConfig config;
    private final Clock clock;
    private final PollingWorker worker;

    /** A note this worker owns until the lease ends, as it was when claimed. */
    record Claim(long noteId, int revision, String release, String packageVersion, String body, Long gitlabNoteId, Long issueIid) {
    }

    /** Where the note is on GitLab once sent. */
    record Sent(long issueIid, long gitlabNoteId) {
    }

    public NoteSender(GitLabNotesClient gitlab, EntityManager em, AfterCommit afterCommit, ReleaseTrackerConfig config, Clock clock) {
        this.clock = clock;
        this.gitlab = gitlab;
        this.em = em;
        this.afterCommit = afterCommit;
        this.config = config;
        this.worker = new PollingWorker("release-notes", Duration.ofSeconds(1), this::sendDue);
    }

    void start(@Observes StartupEvent event) {
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop(Duration.ofSeconds(30));
    }

    /** A note was made or corrected: send it as soon as its transaction commits. */
    void wakeAfterCommit() {
        afterCommit.run(worker::wake);
    }

    void sendDue() {
        Claim claim;
        while ((claim = QuarkusTransaction.requiringNew().call(this::claimNext)) != null) {
            Claim sending = claim;
            try {
                Sent sent = send(sending);
                QuarkusTransaction.requiringNew().run(() -> recordSent(sending, sent));
            } catch (Exception e) {
                if (e instanceof InterruptedException) {
                    Thread.currentThread().interrupt();
                }
                QuarkusTransaction.requiringNew().run(() -> recordFailure(sending, e));
                if (Thread.currentThread().isInterrupted()) {
                    return;
                }
            }
        }
    }

    private Claim claimNext() {
        @SuppressWarnings("unchecked")
        List<Number> claimed = em.createNativeQuery("""
                        UPDATE release_note SET claimed_until = now() + :lease * interval '1 second', attempts = attempts + 1
                        WHERE id = (SELECT id FROM release_note
                                    WHERE state = 'pending' AND next_attempt_at <= :now
                                      AND (claimed_until IS NULL OR claimed_until < now())
                                    ORDER BY next_attempt_at LIMIT 1 FOR UPDATE SKIP LOCKED)
                        RETURNING id""")
                .setParameter("lease", (double) config.claimLease().toSeconds()).setParameter("now", OffsetDateTime.now(clock)).getResultList();
        if (claimed.isEmpty()) {
            return null;
        }
        ReleaseNote note = em.find(ReleaseNote.class, claimed.get(0).longValue());
        String version = em.find(AutoDeployPackage.class, note.packageId).version;
        Long issueIid = note.issueIid != null ? note.issueIid : ReleaseNote.<ReleaseNote>find("release = ?1 and issueIid is not null", note.release)
                .firstResultOptional().map(other -> other.issueIid).orElse(null); // found for another note of the release already
        return new Claim(note.id, note.revision, note.release, version, note.body, note.gitlabNoteId, issueIid);
    }

    /** Only GitLab is called here: no transaction is open. */
    private Sent send(Claim claim) throws Exception {
        long issue = claim.issueIid() != null ? claim.issueIid() : gitlab.releaseIssue(claim.release());
        if (claim.gitlabNoteId() != null && gitlab.edit(issue, claim.gitlabNoteId(), claim.body())) {
            return new Sent(issue, claim.gitlabNoteId());
        }
        Optional<GitLabNotesClient.Note> posted = gitlab.findNote(issue, ReleaseNoteService.marker(claim.packageVersion()));
        if (posted.isPresent()) {
            LOG.infof("Note for %s was on release issue %d already (note %d): recorded, not posted again", claim.packageVersion(), issue,
                    posted.get().id());
            if (!posted.get().body().equals(claim.body())) {
                gitlab.edit(issue, posted.get().id(), claim.body());
            }
            return new Sent(issue, posted.get().id());
        }
        return new Sent(issue, gitlab.post(issue, claim.body()));
    }

    private void recordSent(Claim claim, Sent sent) {
        // Locked: a correction being made now is either committed before this reads the revision, or waits.
        ReleaseNote note = em.find(ReleaseNote.class, claim.noteId(), LockModeType.PESSIMISTIC_WRITE);
        OffsetDateTime now = OffsetDateTime.now(clock);
        note.claimedUntil = null;
        note.issueIid = sent.issueIid();
        note.gitlabNoteId = sent.gitlabNoteId();
        note.lastError = null;
        if (note.postedAt == null) {
            note.postedAt = now;
        }
        if (note.revision == claim.revision()) {
            note.state = ReleaseNote.POSTED;
            note.nextAttemptAt = null;
        } else {
            // Corrected while this send was under way: the newer body goes out next.
            note.nextAttemptAt = now;
            worker.wake();
        }
    }

    private void recordFailure(Claim claim, Exception e) {
        ReleaseNote note = em.find(ReleaseNote.class, claim.noteId(), LockModeType.PESSIMISTIC_WRITE);
        note.claimedUntil = null;
        note.nextAttemptAt = OffsetDateTime.now(clock).plus(Backoff.after(note.attempts, Duration.ofSeconds(1), MAX_BACKOFF));
        // GitLab's own failures say what GitLab answered; anything else (the record step) says its root cause.
        note.lastError = e instanceof IOException && e.getMessage() != null ? e.getMessage() : Causes.describe(e);
        LOG.warnf("Note for %s on release %s not sent (attempt %d, again at %s): %s", claim.packageVersion(), claim.release(),
                note.attempts, note.nextAttemptAt, note.lastError);
    }
}
