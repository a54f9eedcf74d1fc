package dev.gclab.gc.stats;

/** What a pause was, for the timeline and the per-kind histograms. */
public enum PauseKind {
    /** A whole stop-the-world collection of every space (or rc's generation-2 detection). */
    MAJOR,
    /** A young collection (a nursery, rc's generations 0 and 1). */
    MINOR,
    /** One bounded step of an incremental cycle (initial, marking, final, sweeping). */
    STEP
}
