package com.gitlab.ops.release.slack;

import java.util.List;
import java.util.Map;

/**
 * A slash command's answer in Slack's JSON: seen only by the user who asked (ephemeral), as one
 * mrkdwn section, with the same text as the plain fallback that notifications show.
 */
public record SlackMessage(String responseType, String text, List<Map<String, Object>> blocks) {

    /** Slack's limit for a section's text. */
    private static final int SECTION_LIMIT = 3000;

    public static SlackMessage ephemeral(String mrkdwn) {
        String section = mrkdwn.length() > SECTION_LIMIT ? mrkdwn.substring(0, SECTION_LIMIT - 1) + "…" : mrkdwn;
        return new SlackMessage("ephemeral", mrkdwn,
                List.of(Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", section))));
    }
}
