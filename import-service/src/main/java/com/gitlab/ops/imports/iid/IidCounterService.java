package com.gitlab.ops.imports.iid;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.node.ObjectNode;
import com.gitlab.ops.platform.error.ApiException;
import jakarta.enterprise.context.ApplicationScoped;
import jakarta.transaction.Transactional;
import java.util.concurrent.CompletionStage;

/** What the project and group counter endpoints do, once the counter is known to exist in its scope. */
@ApplicationScoped
public class IidCounterService {

    public record Iid(long iid) {
    }

    public record LastValue(long lastValue) {
    }

    private final IidAllocator allocator;
    private final InternalIdRepository ids;

    public IidCounterService(IidAllocator allocator, InternalIdRepository ids) {
        this.allocator = allocator;
        this.ids = ids;
    }

    /** Never the same number twice for a counter, under any concurrency; requests waiting together share a round trip. */
    public CompletionStage<Iid> next(Counter counter) {
        return allocator.next(counter).thenApply(Iid::new);
    }

    /** An imported record took this IID: the counter is raised to at least it, never lowered. */
    @Transactional(Transactional.TxType.MANDATORY)
    public LastValue track(Counter counter, ObjectNode body) {
        if (body != null) {
            body.fieldNames().forEachRemaining(name -> {
                if (!name.equals("iid")) {
                    throw ApiException.badRequest("unknown field '" + name + "'; the only field is iid");
                }
            });
        }
        JsonNode iid = body == null ? null : body.get("iid");
        if (iid == null || !iid.isIntegralNumber() || !iid.canConvertToLong() || iid.asLong() < 1 || iid.asLong() > IidUsage.MAX_IID) {
            throw ApiException.badRequest("send {\"iid\": n} with n an integer from 1 to " + IidUsage.MAX_IID);
        }
        return new LastValue(ids.track(counter, iid.asLong()));
    }

    public LastValue get(Counter counter) {
        return new LastValue(ids.lastValue(counter));
    }
}
