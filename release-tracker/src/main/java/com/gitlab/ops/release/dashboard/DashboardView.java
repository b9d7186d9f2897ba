package com.gitlab.ops.release.dashboard;

import com.gitlab.ops.release.environment.EnvironmentResource.RollbackBoundary;
import com.gitlab.ops.release.pkg.PackageResource.PackageView;
import com.gitlab.ops.release.pkg.ReleaseResource.NoteView;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** What the dashboard shows, every part of it an answer of the API. */
public record DashboardView(List<String> environments, Map<String, String> running, List<PackageRow> packages,
        List<RollbackBoundary> boundaries, String release, List<NoteView> notes, OffsetDateTime at) {

    /** A package of the recent histories: the API's view of it, where its post-migrations have run, and per environment when it arrived. */
    public record PackageRow(PackageView pkg, List<String> ranOn, Map<String, Arrival> arrivals) {

        public Arrival arrival(String environment) {
            return arrivals.get(environment);
        }
    }

    /** When the package arrived on an environment (last time), and whether it runs there now. */
    public record Arrival(OffsetDateTime at, boolean current) {
    }
}
