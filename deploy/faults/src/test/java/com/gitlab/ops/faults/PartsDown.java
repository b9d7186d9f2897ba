package com.gitlab.ops.faults;

import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;

/**
 * Whether a part every service needs to start (the broker, the database) is down now, or was since a
 * moment: a service started meanwhile may exit, and is started again, as Kubernetes restarts a pod
 * that crashed on start.
 */
final class PartsDown {

    private final AtomicInteger down = new AtomicInteger();
    private final AtomicLong lastBackAt = new AtomicLong(Long.MIN_VALUE);

    void down() {
        down.incrementAndGet();
    }

    void back() {
        down.decrementAndGet();
        lastBackAt.set(System.nanoTime());
    }

    boolean now() {
        return down.get() > 0;
    }

    /** Down now, or at some moment since {@code nanos} ({@link System#nanoTime()}). */
    boolean since(long nanos) {
        return now() || lastBackAt.get() - nanos >= 0;
    }
}
