package com.gitlab.ops.platform.work;

import java.time.Duration;

/** Exponential backoff: the wait before the next try, doubling from {@code initial} up to {@code max}. */
public final class Backoff {

    private Backoff() {
    }

    /** @param attempt the attempt that just failed, from 1 */
    public static Duration after(int attempt, Duration initial, Duration max) {
        Duration wait = initial.multipliedBy(1L << Math.min(Math.max(attempt, 1) - 1, 30));
        return wait.compareTo(max) > 0 || wait.isNegative() ? max : wait;
    }
}
