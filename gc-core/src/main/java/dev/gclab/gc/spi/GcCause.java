package dev.gclab.gc.spi;

/** Why a collection ran. */
public enum GcCause {
    /** Occupancy reached the collector's trigger. */
    TRIGGER,
    /** An allocation found no room; a full collection before reporting out-of-heap. */
    HEAP_FULL,
    /** Asked for explicitly (a workload, a test, the CLI). */
    EXPLICIT
}
