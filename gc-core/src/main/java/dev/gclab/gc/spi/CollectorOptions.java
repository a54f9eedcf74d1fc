package dev.gclab.gc.spi;

import java.util.Map;

/**
 * Options common to collectors, plus collector-specific ones by name.
 *
 * @param growthFactor    the next collection is triggered when occupancy reaches
 *                        {@code live bytes after the last collection * growthFactor} (Go's GOGC=100 is 2.0)
 * @param minTriggerBytes the trigger is never below this (Go's heap minimum, 4 MiB)
 * @param verify          run the heap verifier after every collection (not counted in pauses)
 * @param extra           collector-specific knobs, e.g. {@code threshold0=700}
 */
public record CollectorOptions(double growthFactor, long minTriggerBytes, boolean verify, Map<String, String> extra) {
    public CollectorOptions {
        if (!(growthFactor > 1.0)) throw new IllegalArgumentException("growth factor must be > 1: " + growthFactor);
        if (minTriggerBytes < 0) throw new IllegalArgumentException("minimum trigger must be >= 0: " + minTriggerBytes);
        extra = Map.copyOf(extra);
    }

    public static CollectorOptions defaults() { return new CollectorOptions(2.0, 4L << 20, false, Map.of()); }

    public CollectorOptions withVerify(boolean v) { return new CollectorOptions(growthFactor, minTriggerBytes, v, extra); }
    public CollectorOptions withGrowthFactor(double g) { return new CollectorOptions(g, minTriggerBytes, verify, extra); }
    public CollectorOptions withMinTrigger(long b) { return new CollectorOptions(growthFactor, b, verify, extra); }
    public CollectorOptions withExtra(Map<String, String> e) { return new CollectorOptions(growthFactor, minTriggerBytes, verify, e); }
}
