package com.gitlab.ops.release.dashboard;

import com.gitlab.ops.release.dashboard.DashboardService.SearchResult;
import io.quarkus.qute.CheckedTemplate;
import io.quarkus.qute.TemplateInstance;
import jakarta.ws.rs.GET;
import jakarta.ws.rs.Path;
import jakarta.ws.rs.Produces;
import jakarta.ws.rs.QueryParam;
import jakarta.ws.rs.core.MediaType;

/**
 * {@code /dashboard}: the release managers' page. The panels are a fragment of their own that the
 * page fetches again every few seconds (htmx), so new deploy events show without a reload.
 */
@Path("/dashboard")
@Produces(MediaType.TEXT_HTML)
public class DashboardResource {

    @CheckedTemplate
    static class Templates {
        static native TemplateInstance dashboard(DashboardView view, SearchResult result);

        static native TemplateInstance panels(DashboardView view);

        static native TemplateInstance search(SearchResult result);
    }

    private final DashboardService dashboard;

    public DashboardResource(DashboardService dashboard) {
        this.dashboard = dashboard;
    }

    /** With {@code ?q=}, the search's answer in the page: the form works without JavaScript too. */
    @GET
    public TemplateInstance page(@QueryParam("q") String query) {
        return Templates.dashboard(dashboard.view(), query == null ? SearchResult.NONE : dashboard.search(query));
    }

    @GET
    @Path("/panels")
    public TemplateInstance panels() {
        return Templates.panels(dashboard.view());
    }

    @GET
    @Path("/search")
    public TemplateInstance search(@QueryParam("q") String query) {
        return Templates.search(dashboard.search(query));
    }
}
