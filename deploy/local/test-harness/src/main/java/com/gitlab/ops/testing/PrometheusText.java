package com.gitlab.ops.testing;

/** Reads one series from a Prometheus text exposition, as {@code /q/metrics} serves it. */
public final class PrometheusText {

    private PrometheusText() {
    }

    /**
     * @param series the name and labels exactly as exposed, e.g. {@code events_consumed_total{outcome="applied",topic="alerts"}}
     * @return its value, or 0 while the series does not exist yet
     */
    public static double value(String exposition, String series) {
        return exposition.lines().filter(l -> l.startsWith(series + " "))
                .mapToDouble(l -> Double.parseDouble(l.substring(l.lastIndexOf(' ') + 1)))
                .findFirst().orElse(0);
    }
}
