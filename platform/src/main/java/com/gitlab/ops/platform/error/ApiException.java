package com.gitlab.ops.platform.error;

import jakarta.ws.rs.core.Response;

/** A request the service refuses, with the status and the sentence the user reads. */
public class ApiException extends RuntimeException {

    private final Response.Status status;

    public ApiException(Response.Status status, String message) {
        super(message);
        this.status = status;
    }

    public Response.Status status() {
        return status;
    }

    public static ApiException badRequest(String message) {
        return new ApiException(Response.Status.BAD_REQUEST, message);
    }

    public static ApiException notFound(String message) {
        return new ApiException(Response.Status.NOT_FOUND, message);
    }

    /** The request does not prove who sent it (a signature or credentials missing or wrong). */
    public static ApiException unauthorized(String message) {
        return new ApiException(Response.Status.UNAUTHORIZED, message);
    }

    public static ApiException forbidden(String message) {
        return new ApiException(Response.Status.FORBIDDEN, message);
    }

    /** A part the service depends on (not its database) cannot answer now; answered 503 with Retry-After. */
    public static ApiException unavailable(String message) {
        return new ApiException(Response.Status.SERVICE_UNAVAILABLE, message);
    }

    public static ApiException conflict(String message) {
        return new ApiException(Response.Status.CONFLICT, message);
    }
}
