package dev.gclab.gc.spi;

import dev.gclab.gc.finalize.Finalization;

import java.util.Map;
import java.util.Set;
import java.util.TreeSet;

/**
 * Collector options ({@code -o key=value}) that every collector takes, because they belong to the
 * shared finalization service: {@code debug=saveall} (CPython's {@code gc.DEBUG_SAVEALL}: garbage is
 * kept in {@code gc.garbage} instead of freed) or {@code debug=none}.
 */
public final class CommonOptions {
    public static final Set<String> KEYS = Set.of("debug");

    private CommonOptions() {}

    /**
     * Checks {@code options} against the common keys plus {@code ownKeys}; an unknown key is an error
     * naming the collector and listing the valid keys.
     */
    public static void requireKnown(String collector, Map<String, String> options, Set<String> ownKeys) {
        for (String k : new TreeSet<>(options.keySet())) {
            if (KEYS.contains(k) || ownKeys.contains(k)) continue;
            TreeSet<String> valid = new TreeSet<>(ownKeys);
            valid.addAll(KEYS);
            throw new IllegalArgumentException(collector + ": unknown option '" + k + "'; valid options: " + String.join(", ", valid));
        }
        String debug = options.get("debug");
        if (debug != null && !debug.equals("saveall") && !debug.equals("none")) {
            throw new IllegalArgumentException(collector + ": debug must be 'saveall' or 'none', not '" + debug + "'");
        }
    }

    /** Applies the common options to a collector's finalization service. */
    public static void apply(Map<String, String> options, Finalization finalization) {
        finalization.setSaveAll("saveall".equals(options.get("debug")));
    }
}
