package com.gitlab.ops.incident.alert;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

import java.time.OffsetDateTime;
import java.util.List;
import java.util.Optional;
import org.junit.jupiter.api.Test;

/** Folding a poll's updates of one alert gives what applying them one at a time gives. */
class AlertStateTest {

    private static final AlertKey KEY = new AlertKey(1, 7);

    private static AlertUpdated update(String status, String updatedAt, String path, String createdAt) {
        return new AlertUpdated(1, Optional.ofNullable(path), 7, "Alert " + status, status, "high", Optional.empty(), false, Optional.empty(),
                OffsetDateTime.parse(updatedAt), Optional.ofNullable(createdAt).map(OffsetDateTime::parse));
    }

    private static AlertState stored(String updatedAt, String path, String createdAt) {
        return new AlertState(KEY, path, "Stored", "triggered", "low", 3L, OffsetDateTime.parse(updatedAt), OffsetDateTime.parse(createdAt), 99L);
    }

    @Test
    void aNewAlertTakesItsNewestStateWhateverTheOrderTheUpdatesCameIn() {
        AlertState state = AlertState.after(Optional.empty(), List.of(
                update("acknowledged", "2026-11-21T10:00:02Z", null, null),
                update("triggered", "2026-11-21T10:00:01Z", null, null),
                update("resolved", "2026-11-21T10:00:03Z", null, null))).orElseThrow();
        assertEquals("resolved", state.status());
        assertEquals("Alert resolved", state.title());
        assertEquals(OffsetDateTime.parse("2026-11-21T10:00:03Z"), state.updatedAt());
        // Created when first seen: the first update applied, not the older one after it, which changed nothing.
        assertEquals(OffsetDateTime.parse("2026-11-21T10:00:02Z"), state.createdAt());
        assertEquals(KEY, state.key());
    }

    @Test
    void olderOrEquallyOldUpdatesChangeNothing() {
        Optional<AlertState> stored = Optional.of(stored("2026-11-21T10:00:05Z", "group/project", "2026-11-21T09:00:00Z"));
        assertTrue(AlertState.after(stored, List.of(
                update("resolved", "2026-11-21T10:00:04Z", "other/path", "2026-11-01T00:00:00Z"),
                update("resolved", "2026-11-21T10:00:05Z", null, null))).isEmpty());
    }

    @Test
    void aNewerUpdateKeepsWhatItDoesNotNameAndTheEarliestCreationTimeOfTheUpdatesApplied() {
        Optional<AlertState> stored = Optional.of(stored("2026-11-21T10:00:00Z", "group/project", "2026-11-21T09:00:00Z"));
        AlertState state = AlertState.after(stored, List.of(
                update("acknowledged", "2026-11-21T10:00:06Z", null, "2026-11-21T08:00:00Z"),
                // older than the one before it: its earlier creation time is not taken
                update("triggered", "2026-11-21T10:00:05Z", "stale/path", "2026-11-01T00:00:00Z"))).orElseThrow();
        assertEquals("acknowledged", state.status());
        assertEquals("group/project", state.projectPath());
        assertEquals(OffsetDateTime.parse("2026-11-21T08:00:00Z"), state.createdAt());
        assertEquals(99L, state.incidentId());
        assertEquals(null, state.policyId(), "an update without a policy clears it, as one at a time does");
    }
}
