package com.gitlab.ops.platform;

import static org.junit.jupiter.api.Assertions.assertEquals;

import com.gitlab.ops.platform.work.Backoff;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class BackoffTest {

    @Test
    void doublesFromTheInitialWaitUpToTheMaximum() {
        Duration initial = Duration.ofMillis(200);
        Duration max = Duration.ofSeconds(30);
        assertEquals(Duration.ofMillis(200), Backoff.after(1, initial, max));
        assertEquals(Duration.ofMillis(400), Backoff.after(2, initial, max));
        assertEquals(Duration.ofMillis(25_600), Backoff.after(8, initial, max));
        assertEquals(max, Backoff.after(9, initial, max));
        assertEquals(max, Backoff.after(1_000, initial, max), "no overflow for a long outage");
    }
}
