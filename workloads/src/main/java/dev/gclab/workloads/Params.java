package dev.gclab.workloads;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Checking and parsing of workload parameters ({@code -p key=value}). Every error is an
 * {@link IllegalArgumentException} whose message names the workload, the key and what is valid.
 */
public final class Params {
    private Params() {}

    /** Throws if {@code params} has a key that {@code workload} does not declare; the message lists the valid keys. */
    public static void requireKnown(String workload, Map<String, String> params, Set<String> validKeys) {
        for (String key : new TreeSet<>(params.keySet())) {
            if (!validKeys.contains(key)) {
                String valid = validKeys.isEmpty() ? "none (it takes no parameters)" : String.join(", ", new TreeSet<>(validKeys));
                throw new IllegalArgumentException("unknown parameter '" + key + "' for workload " + workload
                    + "; valid parameters: " + valid);
            }
        }
    }

    /** An integer parameter in {@code [min, max]}, or {@code dflt} when absent. */
    public static int intParam(String workload, Map<String, String> params, String key, int dflt, int min, int max) {
        String raw = params.get(key);
        if (raw == null) return dflt;
        int v;
        try {
            v = Integer.parseInt(raw.trim());
        } catch (NumberFormatException e) {
            throw new IllegalArgumentException("parameter " + key + " of workload " + workload + " must be an integer in ["
                + min + ", " + max + "]: '" + raw + "'");
        }
        if (v < min || v > max) {
            throw new IllegalArgumentException("parameter " + key + " of workload " + workload + " must be in ["
                + min + ", " + max + "]: " + v);
        }
        return v;
    }
}
