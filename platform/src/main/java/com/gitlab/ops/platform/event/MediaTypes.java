package com.gitlab.ops.platform.event;

import java.util.Locale;

/** The media types the binding tells modes and data apart by; parameters such as charset are ignored. */
final class MediaTypes {

    /** The prefix that makes a record structured (matched regardless of case, as the binding says). */
    private static final String CLOUDEVENTS = "application/cloudevents";

    private MediaTypes() {
    }

    static boolean isCloudEvents(String contentType) {
        return base(contentType).startsWith(CLOUDEVENTS);
    }

    /** The JSON event format, the one format every implementation of structured mode must read. */
    static boolean isCloudEventsJson(String contentType) {
        return base(contentType).equals(CloudEvent.CONTENT_TYPE);
    }

    /** JSON data: no type at all (JSON is then implied), {@code application/json}, {@code text/json} or any {@code +json}. */
    static boolean isJson(String contentType) {
        if (contentType == null) {
            return true;
        }
        String base = base(contentType);
        return base.equals("application/json") || base.equals("text/json") || base.endsWith("+json");
    }

    private static String base(String contentType) {
        int parameters = contentType.indexOf(';');
        return (parameters < 0 ? contentType : contentType.substring(0, parameters)).trim().toLowerCase(Locale.ROOT);
    }
}
