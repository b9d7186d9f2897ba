package com.gitlab.ops.release.migration;

/** The post-migrations of a package could not be read from Git; the message says why. */
public class PostMigrationLookupException extends Exception {

    public PostMigrationLookupException(String message) {
        super(message);
    }

    public PostMigrationLookupException(String message, Throwable cause) {
        super(message, cause);
    }
}
