package com.gitlab.ops.platform.error;

/**
 * Another service this one needs did not answer, or answered that it cannot now (a 5xx, a timeout,
 * its circuit breaker open). An outage ({@link Outages}): an event waits it out, an HTTP request is
 * answered 503 with Retry-After and this message.
 */
public class DependencyUnavailable extends RuntimeException {

    public DependencyUnavailable(String message, Throwable cause) {
        super(message, cause);
    }
}
