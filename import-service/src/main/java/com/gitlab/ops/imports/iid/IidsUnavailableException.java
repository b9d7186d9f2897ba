package com.gitlab.ops.imports.iid;

/** The counters' database could not be reached: nothing was handed out, the caller may retry. */
public class IidsUnavailableException extends RuntimeException {

    public IidsUnavailableException(Throwable cause) {
        super("the IID counters are unavailable right now (database: " + cause.getMessage() + "); nothing was allocated, retry", cause);
    }
}
