package com.gitlab.ops.platform.time;

import io.quarkus.arc.DefaultBean;
import jakarta.enterprise.inject.Produces;
import jakarta.inject.Singleton;
import java.time.Clock;

/**
 * The one source of "now" for the services' own times (records' timestamps, when an escalation is
 * due, backoffs), in UTC: a test moves time by giving another {@link Clock} bean, not by
 * rewriting rows. Times PostgreSQL compares with its own {@code now()} stay the database's.
 */
@Singleton
public class ClockProducer {

    @Produces
    @Singleton
    @DefaultBean
    Clock clock() {
        return Clock.systemUTC();
    }
}
