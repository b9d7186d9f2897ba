package com.gitlab.ops.incident.alert;

import com.gitlab.ops.incident.incident.IncidentIidAllocator;
import com.gitlab.ops.platform.event.CloudEvent;
import com.gitlab.ops.platform.inbox.BatchEventHandler;
import com.gitlab.ops.platform.inbox.EventHandler;
import com.gitlab.ops.platform.inbox.PreparedEvent;
import jakarta.enterprise.context.ApplicationScoped;
import java.util.Collections;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.PrimitiveIterator;
import java.util.Set;

/**
 * {@code alert.updated}: prepared a run at a time (an alert that creates an incident gets its number from
 * import-service there, outside the transaction), applied a poll's run at a time, set-based for the
 * alerts that touch no incident ({@link AlertSync#applyTogether}).
 */
@ApplicationScoped
public class AlertUpdatedHandler implements BatchEventHandler {

    private final AlertSync sync;
    private final IncidentIidAllocator iids;

    public AlertUpdatedHandler(AlertSync sync, IncidentIidAllocator iids) {
        this.sync = sync;
        this.iids = iids;
    }

    /** Never called: the inbox applies what {@link #prepare} gives, which took the incident's number outside the transaction. */
    @Override
    public void handle(CloudEvent event) {
        throw new IllegalStateException("alert.updated is applied through prepare(): its incident number is taken before the transaction");
    }

    /** One event on its own (a poll applied one at a time): a run of one. */
    @Override
    public EventHandler prepare(CloudEvent event) {
        return prepareAll(List.of(event)).get(0);
    }

    /**
     * A run's incident numbers at once: one query for which of its alerts need one, one request to
     * import-service per project for all of that project's. Every update that would create an
     * incident gets a number, as one at a time would; one left unused (the alert's incident was
     * created by an earlier update of the run) is a gap.
     */
    @Override
    public List<EventHandler> prepareAll(List<CloudEvent> run) {
        List<AlertUpdated> updates = run.stream().map(AlertUpdated::from).toList();
        Set<AlertUpdated> needing = Collections.newSetFromMap(new IdentityHashMap<>());
        needing.addAll(sync.needingNewIncidents(updates));
        Map<Long, Integer> wanted = new HashMap<>();
        needing.forEach(update -> wanted.merge(update.projectId(), 1, Integer::sum));
        Map<Long, PrimitiveIterator.OfLong> numbers = wanted.isEmpty() ? Map.of() : iids.next(wanted);
        return updates.stream().<EventHandler>map(update -> new Prepared(update,
                needing.contains(update) ? OptionalLong.of(numbers.get(update.projectId()).nextLong()) : OptionalLong.empty())).toList();
    }

    @Override
    public List<PreparedEvent> handleAll(List<PreparedEvent> run) {
        Set<AlertKey> left = sync.applyTogether(run.stream()
                .map(event -> new AlertSync.Incoming(prepared(event).update, prepared(event).incidentIid, event.trace())).toList());
        return run.stream().filter(event -> left.contains(AlertKey.of(prepared(event).update))).toList();
    }

    private static Prepared prepared(PreparedEvent event) {
        if (event.handler() instanceof Prepared prepared) {
            return prepared;
        }
        throw new IllegalStateException("alert.updated " + event.event().id() + " was not prepared by " + AlertUpdatedHandler.class.getName());
    }

    /** An update, validated, with the number of the incident it creates if it does. */
    private final class Prepared implements EventHandler {

        private final AlertUpdated update;
        private final OptionalLong incidentIid;

        Prepared(AlertUpdated update, OptionalLong incidentIid) {
            this.update = update;
            this.incidentIid = incidentIid;
        }

        @Override
        public void handle(CloudEvent event) {
            sync.apply(update, incidentIid);
        }
    }
}
