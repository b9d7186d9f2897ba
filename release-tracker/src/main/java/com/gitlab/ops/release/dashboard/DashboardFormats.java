package com.gitlab.ops.release.dashboard;

import io.quarkus.qute.TemplateExtension;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;

/** How the dashboard writes times: to the minute, in UTC, as release managers' tools do. */
@TemplateExtension
public final class DashboardFormats {

    private static final DateTimeFormatter HUMAN = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'");

    private DashboardFormats() {
    }

    static String human(OffsetDateTime time) {
        return time == null ? "" : HUMAN.format(time.withOffsetSameInstant(ZoneOffset.UTC));
    }
}
