package com.gitlab.ops.release.dashboard;

import com.gitlab.ops.platform.error.ApiException;
import com.gitlab.ops.release.commit.CommitResource;
import com.gitlab.ops.release.commit.CommitStatus;
import com.gitlab.ops.release.deploy.ReleaseTrackerConfig;
import com.gitlab.ops.release.environment.EnvironmentResource;
import com.gitlab.ops.release.environment.EnvironmentResource.Deployment;
import com.gitlab.ops.release.migration.PostMigrationResource;
import com.gitlab.ops.release.migration.PostMigrationResource.PostMigrationView;
import com.gitlab.ops.release.pkg.PackageResource;
import com.gitlab.ops.release.pkg.ReleaseResource;
import jakarta.enterprise.context.ApplicationScoped;
import java.time.Clock;
import java.time.OffsetDateTime;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;

/**
 * Puts the dashboard together from the API's own resources: the page never works out an answer the
 * API would not give.
 */
@ApplicationScoped
public class DashboardService {

    /** How many deployments of each environment the page shows. */
    static final int HISTORY = 8;
    private static final Pattern SHA = Pattern.compile("[0-9a-fA-F]{7,40}");

    private final ReleaseTrackerConfig config;
    private final EnvironmentResource environments;
    private final PackageResource packages;
    private final PostMigrationResource postMigrations;
    private final ReleaseResource releases;
    private final CommitResource commits;
    private final Clock clock;

    public DashboardService(ReleaseTrackerConfig config, EnvironmentResource environments, PackageResource packages,
            PostMigrationResource postMigrations, ReleaseResource releases, CommitResource commits, Clock clock) {
        this.config = config;
        this.environments = environments;
        this.packages = packages;
        this.postMigrations = postMigrations;
        this.releases = releases;
        this.commits = commits;
        this.clock = clock;
    }

    public DashboardView view() {
        Map<String, Map<String, DashboardView.Arrival>> arrivals = new LinkedHashMap<>();
        for (String environment : config.environments()) {
            for (Deployment d : environments.deployments(environment, Integer.toString(HISTORY))) {
                arrivals.computeIfAbsent(d.packageVersion(), p -> new LinkedHashMap<>())
                        .put(environment, new DashboardView.Arrival(d.deployedAt(), d.current()));
            }
        }
        List<DashboardView.PackageRow> rows = new ArrayList<>();
        for (Map.Entry<String, Map<String, DashboardView.Arrival>> e : arrivals.entrySet()) {
            rows.add(new DashboardView.PackageRow(packages.get(e.getKey()), e.getValue()));
        }
        rows.sort(Comparator.comparing((DashboardView.PackageRow r) -> r.pkg().builtAt()).reversed());
        String release = rows.isEmpty() ? null : rows.get(0).pkg().release();
        return new DashboardView(config.environments(), rows,
                config.environments().stream().map(environments::rollbackBoundary).toList(),
                release, release == null ? List.of() : releases.notes(release), OffsetDateTime.now(clock));
    }

    /** A post-migration's file name or path, or a commit sha: what the API says of it. */
    public SearchResult search(String query) {
        String q = query == null ? "" : query.trim();
        if (q.isEmpty()) {
            return SearchResult.nothing(null, "Type a post-migration file name (e.g. 20220201173212_add_index.rb) or a commit sha.");
        }
        try {
            if (SHA.matcher(q).matches()) {
                return SearchResult.commit(q, commits.status(q));
            }
            return SearchResult.postMigration(q, postMigrations.find(q));
        } catch (ApiException answer) {
            return SearchResult.nothing(q, answer.getMessage());
        }
    }

    /** One of: a post-migration, a commit, or the API's sentence when there is neither. */
    public record SearchResult(String query, PostMigrationView postMigration, CommitStatus commit, String message) {

        /** No search made. */
        public static final SearchResult NONE = new SearchResult(null, null, null, null);

        static SearchResult postMigration(String query, PostMigrationView found) {
            return new SearchResult(query, found, null, null);
        }

        static SearchResult commit(String query, CommitStatus found) {
            return new SearchResult(query, null, found, null);
        }

        static SearchResult nothing(String query, String message) {
            return new SearchResult(query, null, null, message);
        }
    }
}
