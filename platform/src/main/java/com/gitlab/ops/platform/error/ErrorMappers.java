package com.gitlab.ops.platform.error;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.exc.InvalidFormatException;
import com.fasterxml.jackson.databind.exc.MismatchedInputException;
import com.fasterxml.jackson.databind.exc.UnrecognizedPropertyException;
import jakarta.validation.ConstraintViolation;
import jakarta.validation.ConstraintViolationException;
import jakarta.ws.rs.NotAllowedException;
import jakarta.ws.rs.NotFoundException;
import jakarta.ws.rs.NotSupportedException;
import jakarta.ws.rs.WebApplicationException;
import jakarta.ws.rs.core.MediaType;
import jakarta.ws.rs.core.Response;
import java.util.UUID;
import java.util.stream.Collectors;
import org.jboss.logging.Logger;
import org.jboss.resteasy.reactive.server.ServerExceptionMapper;

/**
 * Turns every failure of a request into the contracts' JSON error. A 4xx says what to change; a 5xx
 * is a bug, answered with a reference to the log line and never with a stack trace.
 */
public class ErrorMappers {

    private static final Logger LOG = Logger.getLogger(ErrorMappers.class);

    @ServerExceptionMapper
    public Response api(ApiException e) {
        Response response = error(e.status().getStatusCode(), e.getMessage());
        // Something the service depends on cannot answer now: not the request's fault, and worth a retry.
        return e.status() == Response.Status.SERVICE_UNAVAILABLE
                ? Response.fromResponse(response).header("Retry-After", "30").build() : response;
    }

    @ServerExceptionMapper
    public Response validation(ConstraintViolationException e) {
        String message = e.getConstraintViolations().stream()
                .map(ErrorMappers::describe)
                .sorted()
                .collect(Collectors.joining("; "));
        return error(400, message);
    }

    @ServerExceptionMapper
    public Response unknownField(UnrecognizedPropertyException e) {
        return error(400, "unknown field '" + e.getPropertyName() + "'; known fields are "
                + e.getKnownPropertyIds().stream().map(Object::toString).sorted().collect(Collectors.joining(", ")));
    }

    @ServerExceptionMapper
    public Response wrongType(InvalidFormatException e) {
        return error(400, "field '" + path(e) + "' has the wrong type or format: " + e.getValue());
    }

    @ServerExceptionMapper
    public Response mismatched(MismatchedInputException e) {
        String field = path(e);
        return error(400, field.isEmpty()
                ? "the request body does not have the expected JSON shape"
                : "field '" + field + "' has the wrong type");
    }

    @ServerExceptionMapper
    public Response malformed(JsonProcessingException e) {
        return error(400, "the request body is not valid JSON: " + e.getOriginalMessage());
    }

    @ServerExceptionMapper
    public Response notFound(NotFoundException e) {
        return error(404, "no such resource; see /q/openapi for the endpoints");
    }

    @ServerExceptionMapper
    public Response notAllowed(NotAllowedException e) {
        // Quarkus REST does not say which methods the path allows, so point to where it is written.
        return error(405, "this method is not allowed on this path; see /q/openapi for the methods it accepts");
    }

    @ServerExceptionMapper
    public Response unsupported(NotSupportedException e) {
        return error(415, "send the request body as JSON with 'Content-Type: application/json'");
    }

    @ServerExceptionMapper
    public Response web(WebApplicationException e) {
        int status = e.getResponse().getStatus();
        if (status >= 500) {
            return unexpected(e);
        }
        Throwable cause = e.getCause();
        if (cause instanceof JsonProcessingException json) {
            return malformed(json);
        }
        return error(status, e.getMessage() == null ? Response.Status.fromStatusCode(status).getReasonPhrase() : e.getMessage());
    }

    @ServerExceptionMapper(priority = 10_000)
    public Response unexpected(Throwable e) {
        java.util.Optional<String> badValue = DataExceptions.describe(e);
        if (badValue.isPresent()) {
            return error(400, badValue.get());
        }
        if (Outages.isOutage(e)) {
            boolean database = DataExceptions.unavailable(e);
            LOG.warnf("Answered 503: %s is unavailable (%s)", database ? "the database" : "a part this service needs", Causes.describe(e));
            String why = Causes.find(e, DependencyUnavailable.class).map(Throwable::getMessage)
                    .orElse((database ? "the database" : "a service this one depends on") + " is unavailable for the moment");
            return Response.fromResponse(error(503, why + "; retry in a few seconds")).header("Retry-After", "5").build();
        }
        if (clientWentAway(e)) {
            // The client closed the connection before the answer was written (a probe that timed
            // out, say): nothing to answer and nothing wrong here.
            LOG.debugf("The client closed the connection before the answer was written: %s", Causes.describe(e));
            return error(500, "the connection was closed");
        }
        String reference = UUID.randomUUID().toString();
        LOG.errorf(e, "Unexpected error, reference %s", reference);
        return error(500, "internal error; the service log has the details under reference " + reference);
    }

    private static boolean clientWentAway(Throwable e) {
        for (Throwable cause = e; cause != null; cause = cause.getCause()) {
            if (cause instanceof java.io.IOException && "Connection has been closed".equals(cause.getMessage())) {
                return true;
            }
        }
        return false;
    }

    private static Response error(int status, String message) {
        return Response.status(status).type(MediaType.APPLICATION_JSON_TYPE).entity(new ErrorResponse(message)).build();
    }

    private static String describe(ConstraintViolation<?> v) {
        String field = jsonPath(v.getPropertyPath());
        return field.isEmpty() ? v.getMessage() : "'" + field + "' " + v.getMessage();
    }

    /** The field as the user wrote it in JSON: "rules[0].elapsed_time_seconds", not the Java path. */
    private static String jsonPath(jakarta.validation.Path path) {
        StringBuilder out = new StringBuilder();
        for (jakarta.validation.Path.Node node : path) {
            if (node.getKind() == jakarta.validation.ElementKind.METHOD || node.getKind() == jakarta.validation.ElementKind.PARAMETER
                    || node.getKind() == jakarta.validation.ElementKind.CONTAINER_ELEMENT || node.getName() == null) {
                continue;
            }
            // A node inside a list carries the index of its element in that list.
            if (node.getIndex() != null) {
                out.append('[').append(node.getIndex()).append(']');
            }
            if (!out.isEmpty()) {
                out.append('.');
            }
            out.append(node.getName().replaceAll("([a-z0-9])([A-Z])", "$1_$2").toLowerCase());
        }
        return out.toString();
    }

    private static String path(JsonProcessingException e) {
        if (e instanceof MismatchedInputException m) {
            return m.getPath().stream()
                    .map(r -> r.getFieldName() != null ? r.getFieldName() : "[" + r.getIndex() + "]")
                    .collect(Collectors.joining("."));
        }
        return "";
    }
}
