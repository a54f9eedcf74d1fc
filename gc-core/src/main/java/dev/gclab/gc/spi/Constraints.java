package dev.gclab.gc.spi;

/**
 * What a collector requires of the heap and the mutator, declared once per collector (MMTk's plan
 * constraints). Reports print these beside the results, and the conformance suites use them to state
 * which rules apply (immediate death by count, moved addresses, ...).
 *
 * @param movesObjects      objects may change address at a collection (roots and handles are updated)
 * @param barrier           the write barrier the collector installs
 * @param needsRefCounts    per-object counts are kept (and dirty pages as they change)
 * @param generational      has a young collection distinct from a full one
 * @param incremental       can do bounded steps of work between mutator operations
 * @param supportsPinning   honours pin bits (a pinned object never moves)
 * @param headerBits        the object-header flag bits (of 17..31, {@code ObjectModel.FIRST_COLLECTOR_FLAG}
 *                          on) this collector may set, as a mask: declared, never used silently (0: none)
 */
public record Constraints(boolean movesObjects, BarrierKind barrier, boolean needsRefCounts,
                          boolean generational, boolean incremental, boolean supportsPinning, long headerBits) {
    /** A collector that keeps no flag of its own in object headers. */
    public Constraints(boolean movesObjects, BarrierKind barrier, boolean needsRefCounts,
                       boolean generational, boolean incremental, boolean supportsPinning) {
        this(movesObjects, barrier, needsRefCounts, generational, incremental, supportsPinning, 0);
    }
}
