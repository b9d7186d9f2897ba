package com.gitlab.ops.release.dashboard;

import com.gitlab.ops.release.environment.EnvironmentResource.RollbackBoundary;
import com.gitlab.ops.release.pkg.PackageResource.PackageView;
import com.gitlab.ops.release.pkg.ReleaseResource.NoteView;
import java.time.OffsetDateTime;
import java.util.List;
import java.util.Map;

/** What the dashboard shows, every part of it an answer of the API. */
public record DashboardView(List<String> environments, List<PackageRow> packages,
        List<RollbackBoundary> boundaries, String release, List<NoteView> notes, OffsetDateTime at) {

    /** A package of the recent histories: the API's view of it, and per environment when it last arrived. */
    public record PackageRow(PackageView pkg, Map<String, Arrival> arrivals) {

        public Arrival arrival(String environment) {
            return arrivals.get(environment);
        }
    }

    /** When the package last arrived on an environment, and whether it runs there now. */
    public record Arrival(OffsetDateTime at, boolean current) {
    }
}
