package com.gitlab.ops.release.note;

import com.gitlab.ops.platform.work.AfterCommit;
import com.gitlab.ops.platform.work.Backoff;
import com.gitlab.ops.platform.work.PollingWorker;
import io.quarkus.narayana.jta.QuarkusTransaction;
import io.quarkus.runtime.ShutdownEvent;
import io.quarkus.runtime.StartupEvent;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.persistence.LockModeType;
import java.time.Duration;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.List;
import org.jboss.logging.Logger;

/**
 * Posts pending notes to GitLab, retrying with backoff (1 s doubling to 10 min) until they land. A
 * note not sent yet is visible as {@code pending}, with its last error.
 */
@ApplicationScoped
public class NoteSender {

    private static final Logger LOG = Logger.getLogger(NoteSender.class);
    private static final Duration MAX_BACKOFF = Duration.ofMinutes(10);

    private final GitLabNotesClient gitlab;
    private final AfterCommit afterCommit;
    private final PollingWorker worker;

    public NoteSender(GitLabNotesClient gitlab, AfterCommit afterCommit) {
        this.gitlab = gitlab;
        this.afterCommit = afterCommit;
        this.worker = new PollingWorker("release-notes", Duration.ofSeconds(1), this::sendDue);
    }

    void start(@Observes StartupEvent event) {
        worker.start();
    }

    void stop(@Observes ShutdownEvent event) {
        worker.stop(Duration.ofSeconds(30));
    }

    /** A note was created: send it as soon as its transaction commits. */
    void wakeAfterCommit() {
        afterCommit.run(worker::wake);
    }

    void sendDue() {
        boolean more = true;
        while (more) {
            more = QuarkusTransaction.requiringNew().call(() -> {
                List<ReleaseNote> due = ReleaseNote.<ReleaseNote>find("state = ?1 and nextAttemptAt <= ?2 order by nextAttemptAt",
                                ReleaseNote.PENDING, OffsetDateTime.now(ZoneOffset.UTC))
                        .withLock(LockModeType.PESSIMISTIC_WRITE).withHint("jakarta.persistence.lock.timeout", -2)
                        .page(0, 1).list();
                if (due.isEmpty()) {
                    return false;
                }
                return send(due.get(0));
            });
        }
    }

    private boolean send(ReleaseNote note) {
        note.attempts++;
        try {
            note.gitlabNoteId = gitlab.post(note.release, note.body);
            note.state = ReleaseNote.POSTED;
            note.postedAt = OffsetDateTime.now(ZoneOffset.UTC);
            note.lastError = null;
            note.nextAttemptAt = null;
            return true;
        } catch (Exception e) {
            if (e instanceof InterruptedException) {
                Thread.currentThread().interrupt();
            }
            note.nextAttemptAt = OffsetDateTime.now(ZoneOffset.UTC).plus(Backoff.after(note.attempts, Duration.ofSeconds(1), MAX_BACKOFF));
            note.lastError = e.getMessage();
            LOG.warnf("Note for release %s not posted (attempt %d, again at %s): %s", note.release, note.attempts, note.nextAttemptAt,
                    e.getMessage());
            return false;
        }
    }
}
