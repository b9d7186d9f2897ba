package com.gitlab.ops.imports.iid;

import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.platform.error.ErrorMappers;
import com.gitlab.ops.platform.error.ErrorResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import jakarta.ws.rs.core.Response;
import java.util.concurrent.CompletionException;

/**
 * {@code POST .../iids/{usage}/next} for projects and groups, as a Vert.x route rather than a JAX-RS
 * method: the path of every issue, merge request and pipeline a user creates during an import, so it
 * does no more than the HTTP exchange and the allocator's round trip. On the event loop throughout;
 * RESTEasy's handler chain, request context and serialization were about a quarter of its CPU.
 * Errors are answered as the JAX-RS endpoints answer them ({@link ErrorMappers}).
 */
@ApplicationScoped
public class IidNextRoute {

    /** {@code {"count": 1000}} is all a body here ever holds. */
    private static final long BODY_LIMIT = 4 * 1024;

    // Path parameters named as in the OpenAPI document, which metrics and traces take them from.
    private static final String PROJECT_NEXT = "/api/projects/:projectId/iids/:usage/next";
    private static final String GROUP_NEXT = "/api/groups/:groupId/iids/:usage/next";

    /** Stateless: the same mapping of a failure to a status and a sentence as every JAX-RS endpoint. */
    private static final ErrorMappers ERRORS = new ErrorMappers();

    private final IidCounterService counters;

    public IidNextRoute(IidCounterService counters) {
        this.counters = counters;
    }

    void register(@Observes Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
        router.post(PROJECT_NEXT).handler(body)
                .handler(ctx -> next(ctx, IidScope.PROJECT, "projectId")).failureHandler(IidNextRoute::tooLarge);
        router.post(GROUP_NEXT).handler(body)
                .handler(ctx -> next(ctx, IidScope.GROUP, "groupId")).failureHandler(IidNextRoute::tooLarge);
        // Any other method would fall through to JAX-RS, which knows no such path and answers 404.
        router.route(PROJECT_NEXT).handler(IidNextRoute::postOnly);
        router.route(GROUP_NEXT).handler(IidNextRoute::postOnly);
    }

    private static void postOnly(RoutingContext ctx) {
        ctx.response().putHeader(HttpHeaders.ALLOW, "POST");
        json(ctx, 405, "the next IID is taken with POST (it hands out a number); GET .../iids/" + ctx.pathParam("usage")
                + " reads the last one without taking it", null);
    }

    private void next(RoutingContext ctx, IidScope scope, String idParameter) {
        try {
            String type = ctx.request().getHeader(HttpHeaders.CONTENT_TYPE);
            if (type != null && type.startsWith("multipart/")) {
                // The body handler keeps no raw body of a multipart form: refused rather than read as none.
                // (curl -d sends JSON as a urlencoded form: that body is kept, and read as JSON.)
                throw ApiException.badRequest("the body is not JSON (" + type + "); send {\"count\": n}, or no body for one number");
            }
            Counter counter = IidUsage.require(scope, scopeId(ctx.pathParam(idParameter)), ctx.pathParam("usage"));
            counters.next(counter, ctx.body().asString()).whenComplete((allocated, failure) -> {
                try {
                    if (failure == null) {
                        ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(allocated.toJson());
                    } else {
                        error(ctx, failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
                    }
                } catch (RuntimeException e) {
                    error(ctx, e);
                }
            });
        } catch (RuntimeException e) {
            error(ctx, e);
        }
    }

    /** A path's id as a number; anything else is the same 400 as zero or a negative one. */
    private static long scopeId(String text) {
        try {
            return Long.parseLong(text);
        } catch (NumberFormatException e) {
            return 0; // IidUsage.require refuses it with the sentence
        }
    }

    /** The body handler refuses a body past the limit with a bare 413: the sentence is added here. */
    private static void tooLarge(RoutingContext ctx) {
        if (ctx.statusCode() == 413 && !ctx.response().ended()) {
            json(ctx, 413, "the body is larger than " + BODY_LIMIT / 1024 + " KB; send {\"count\": n}, or no body for one number", null);
        } else {
            ctx.next(); // security's answers and the rest, as Quarkus gives them
        }
    }

    private static void error(RoutingContext ctx, Throwable failure) {
        if (ctx.response().ended()) {
            return;
        }
        Response mapped = failure instanceof ApiException api ? ERRORS.api(api)
                : failure instanceof IidsUnavailableException unavailable ? IidsUnavailableMapper.response(unavailable)
                : ERRORS.unexpected(failure);
        json(ctx, mapped.getStatus(), ((ErrorResponse) mapped.getEntity()).error(), mapped.getHeaderString("Retry-After"));
    }

    private static void json(RoutingContext ctx, int status, String message, String retryAfter) {
        if (retryAfter != null) {
            ctx.response().putHeader("Retry-After", retryAfter);
        }
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", message).encode());
    }
}
