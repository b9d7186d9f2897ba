package com.gitlab.ops.imports.iid;

import com.gitlab.ops.platform.error.ApiException;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.enterprise.event.Observes;
import java.util.concurrent.CompletionException;

/**
 * {@code POST .../iids/{usage}/next} for projects and groups, as a Vert.x route rather than a JAX-RS
 * method: the path of every issue, merge request and pipeline a user creates during an import, so it
 * does no more than the HTTP exchange and the allocator's round trip. On the event loop throughout;
 * RESTEasy's handler chain, request context and serialization were about a quarter of its CPU.
 */
@ApplicationScoped
public class IidNextRoute {

    /** {@code {"count": 1000}} is all a body here ever holds. */
    private static final long BODY_LIMIT = 4 * 1024;

    private final IidCounterService counters;

    public IidNextRoute(IidCounterService counters) {
        this.counters = counters;
    }

    void register(@Observes Router router) {
        BodyHandler body = BodyHandler.create(false).setBodyLimit(BODY_LIMIT);
        router.post("/api/projects/:id/iids/:usage/next").handler(body).handler(ctx -> next(ctx, IidScope.PROJECT)).failureHandler(IidNextRoute::tooLarge);
        router.post("/api/groups/:id/iids/:usage/next").handler(body).handler(ctx -> next(ctx, IidScope.GROUP)).failureHandler(IidNextRoute::tooLarge);
    }

    /** The body handler refuses a body past the limit with a bare 413: the sentence is added here. */
    private static void tooLarge(RoutingContext ctx) {
        if (ctx.statusCode() == 413 && !ctx.response().ended()) {
            json(ctx, 413, "the body is larger than " + BODY_LIMIT / 1024 + " KB; send {\"count\": n}, or no body for one number");
        } else {
            ctx.next();
        }
    }

    private void next(RoutingContext ctx, IidScope scope) {
        try {
            Counter counter = IidUsage.require(scope, scopeId(ctx.pathParam("id")), ctx.pathParam("usage"));
            counters.next(counter, ctx.body().asString()).whenComplete((allocated, failure) -> {
                if (failure == null) {
                    ctx.response().putHeader(HttpHeaders.CONTENT_TYPE, "application/json").end(allocated.toJson());
                } else {
                    error(ctx, failure instanceof CompletionException c && c.getCause() != null ? c.getCause() : failure);
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

    private static void error(RoutingContext ctx, Throwable failure) {
        if (failure instanceof ApiException api) {
            json(ctx, api.status().getStatusCode(), api.getMessage());
        } else if (failure instanceof IidsUnavailableException unavailable) {
            ctx.response().putHeader("Retry-After", "5");
            json(ctx, 503, unavailable.getMessage());
        } else {
            ctx.fail(failure);
        }
    }

    private static void json(RoutingContext ctx, int status, String message) {
        ctx.response().setStatusCode(status).putHeader(HttpHeaders.CONTENT_TYPE, "application/json")
                .end(new JsonObject().put("error", message).encode());
    }
}
