package com.gitlab.ops.platform.error;

import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.SocketTimeoutException;
import java.net.UnknownHostException;
import java.net.http.HttpTimeoutException;
import java.sql.SQLException;

/**
 * Whether a failure comes from the infrastructure (a database, a service or a network that cannot
 * answer now) rather than from the event or request being handled: an outage is waited out, never
 * blamed on the input.
 */
public final class Outages {

    private Outages() {
    }

    public static boolean isOutage(Throwable e) {
        if (fromDatabase(e)) {
            return true;
        }
        for (Throwable t = e; t != null; t = t.getCause()) {
            if (t instanceof DependencyUnavailable) {
                return true;
            }
            if (t instanceof ConnectException || t instanceof NoRouteToHostException || t instanceof UnknownHostException
                    || t instanceof SocketTimeoutException || t instanceof HttpTimeoutException) {
                return true;
            }
            // A circuit breaker open in front of another service: it failed often enough to be called down.
            if (t.getClass().getSimpleName().equals("CircuitBreakerOpenException")) {
                return true;
            }
            if (t.getCause() == t) {
                break;
            }
        }
        return false;
    }

    /**
     * An outage as the database's client sees it: no connection (SQLState 08, 57P0x), or none from
     * the pool in time. The same symptoms can have other causes (a terminated backend, a pool
     * exhausted by load), which is why a consumer asks the database itself before waiting.
     */
    public static boolean fromDatabase(Throwable e) {
        if (DataExceptions.unavailable(e)) {
            return true;
        }
        for (Throwable t = e; t != null && t.getCause() != t; t = t.getCause()) {
            if (t instanceof SQLException && t.getMessage() != null && t.getMessage().startsWith("Acquisition timeout")) {
                return true;
            }
        }
        return false;
    }
}
