package com.gitlab.ops.platform.error;

/** What went wrong at the bottom of a chain of wrapped exceptions, for a log line or a stored reason. */
public final class Causes {

    private Causes() {
    }

    public static Throwable root(Throwable e) {
        Throwable root = e;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        return root;
    }

    /** The first exception of the type in the chain, the outermost first. */
    public static <T extends Throwable> java.util.Optional<T> find(Throwable e, Class<T> type) {
        for (Throwable t = e; t != null; t = t.getCause() == t ? null : t.getCause()) {
            if (type.isInstance(t)) {
                return java.util.Optional.of(type.cast(t));
            }
        }
        return java.util.Optional.empty();
    }

    /** The root cause as {@code Type: message}. */
    public static String describe(Throwable e) {
        Throwable root = root(e);
        return root.getClass().getSimpleName() + ": " + root.getMessage();
    }
}
