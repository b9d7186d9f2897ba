package com.gitlab.ops.platform.error;

/** The one error shape of every endpoint: {"error": "<what is wrong, in words a user can act on>"}. */
public record ErrorResponse(String error) {
}
