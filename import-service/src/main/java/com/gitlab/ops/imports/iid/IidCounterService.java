package com.gitlab.ops.imports.iid;

import com.fasterxml.jackson.core.JsonProcessingException;
import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
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

    /** What {@code next} hands out: the number, or with a count the last of them and the first. */
    public record Allocated(long iid, Long first) {

        /** {"iid": n}, or {"iid": last, "first": first}: written here, it is all the route ever answers. */
        public String toJson() {
            return first == null ? "{\"iid\":" + iid + "}" : "{\"iid\":" + iid + ",\"first\":" + first + "}";
        }
    }

    /** The most numbers one {@code next} takes at once. */
    public static final int MAX_COUNT = 1000;

    public record LastValue(long lastValue) {
    }

    private final IidAllocator allocator;
    private final InternalIdRepository ids;
    private final ObjectMapper mapper;

    public IidCounterService(IidAllocator allocator, InternalIdRepository ids, ObjectMapper mapper) {
        this.allocator = allocator;
        this.ids = ids;
        this.mapper = mapper;
    }

    /**
     * Never the same number twice for a counter, under any concurrency; requests waiting together,
     * for any counters, share a round trip. With {@code {"count": n}}, n consecutive numbers.
     */
    public CompletionStage<Allocated> next(Counter counter, String text) {
        JsonNode count = onlyField(nextBody(text), "count");
        if (count == null) {
            return allocator.next(counter, 1).thenApply(last -> new Allocated(last, null));
        }
        if (!count.isIntegralNumber() || !count.canConvertToInt() || count.asInt() < 1 || count.asInt() > MAX_COUNT) {
            throw ApiException.badRequest("send {\"count\": n} with n an integer from 1 to " + MAX_COUNT + ", or no body for one number");
        }
        int n = count.asInt();
        return allocator.next(counter, n).thenApply(last -> new Allocated(last, last - n + 1));
    }

    /** The body's one field (null without a body or the field); any other field is a 400 naming it. */
    private static JsonNode onlyField(ObjectNode body, String field) {
        if (body == null) {
            return null;
        }
        body.fieldNames().forEachRemaining(name -> {
            if (!name.equals(field)) {
                throw ApiException.badRequest("unknown field '" + name + "'; the only field is " + field);
            }
        });
        return body.get(field);
    }

    /**
     * {@code next}'s body, as the route hands it over, whatever its Content-Type: callers that send
     * none send no Content-Type either.
     */
    private ObjectNode nextBody(String text) {
        if (text == null || text.isBlank()) {
            return null;
        }
        JsonNode node;
        try {
            node = mapper.readTree(text);
        } catch (JsonProcessingException e) {
            throw ApiException.badRequest("the body is not JSON (" + e.getOriginalMessage() + "); send {\"count\": n}, or no body for one number");
        }
        if (!(node instanceof ObjectNode object)) {
            throw ApiException.badRequest("the body must be a JSON object: {\"count\": n}, or no body for one number");
        }
        return object;
    }

    /** An imported record took this IID: the counter is raised to at least it, never lowered. */
    @Transactional(Transactional.TxType.MANDATORY)
    public LastValue track(Counter counter, ObjectNode body) {
        JsonNode iid = onlyField(body, "iid");
        if (iid == null || !iid.isIntegralNumber() || !iid.canConvertToLong() || iid.asLong() < 1 || iid.asLong() > IidUsage.MAX_IID) {
            throw ApiException.badRequest("send {\"iid\": n} with n an integer from 1 to " + IidUsage.MAX_IID);
        }
        return new LastValue(ids.track(counter, iid.asLong()));
    }

    public LastValue get(Counter counter) {
        return new LastValue(ids.lastValue(counter));
    }
}
