package dev.gclab.gc.stats;

/** Phases inside a pause, recorded for timelines (trace events, JFR): what the collector was doing. */
public enum Phase {
    ROOTS, MARK, COPY, FINALIZE, SWEEP, COMPACT, DETECT, VERIFY
}
