package com.gitlab.ops.release.pkg;

/** Not an auto-deploy package version; the message says what the format is. */
public class InvalidPackageVersionException extends IllegalArgumentException {

    public InvalidPackageVersionException(String message) {
        super(message);
    }
}
