package com.gitlab.ops.platform.work;

import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import org.jboss.logging.Logger;

/**
 * One background thread that runs a task every poll interval, and at once when woken. Work that
 * lives in the database (outbox, due escalations, jobs) is found again after a restart by the
 * first poll.
 */
public final class PollingWorker {

    private static final Logger LOG = Logger.getLogger(PollingWorker.class);

    private final String name;
    private final Duration interval;
    private final Runnable task;
    private final Semaphore wakeUp = new Semaphore(0);
    private volatile boolean running;
    private Thread thread;

    public PollingWorker(String name, Duration interval, Runnable task) {
        this.name = name;
        this.interval = interval;
        this.task = task;
    }

    public synchronized void start() {
        if (running) {
            return;
        }
        running = true;
        thread = new Thread(this::run, name);
        thread.setDaemon(true);
        thread.start();
    }

    /** Stops after the task in progress, waiting at most {@code timeout}. */
    public synchronized void stop(Duration timeout) {
        if (!running) {
            return;
        }
        running = false;
        thread.interrupt();
        try {
            thread.join(timeout.toMillis());
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
        }
    }

    public void wake() {
        wakeUp.release();
    }

    private void run() {
        while (running) {
            try {
                wakeUp.tryAcquire(interval.toMillis(), TimeUnit.MILLISECONDS);
                wakeUp.drainPermits();
            } catch (InterruptedException e) {
                return;
            }
            try {
                task.run();
            } catch (RuntimeException e) {
                // The task failed this round; the next poll tries again.
                LOG.warnf("%s failed, will retry: %s", name, e.getMessage());
            }
        }
    }
}
