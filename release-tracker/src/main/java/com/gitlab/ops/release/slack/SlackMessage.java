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
        String section = mrkdwn;
        if (mrkdwn.length() > SECTION_LIMIT) {
            int cut = SECTION_LIMIT - 1;
            // Never half a character.
            cut = Character.isLowSurrogate(mrkdwn.charAt(cut)) ? cut - 1 : cut;
            section = mrkdwn.substring(0, cut) + "…";
        }
        return new SlackMessage("ephemeral", mrkdwn,
                List.of(Map.of("type", "section", "text", Map.of("type", "mrkdwn", "text", section))));
    }

    /** Text from a user or a stored error, as Slack requires it in mrkdwn: {@code &}, {@code <} and {@code >} escaped. */
    public static String escape(String text) {
        return text == null ? "" : text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;");
    }
}
