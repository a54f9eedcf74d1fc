package dev.gclab.gc.stats;

import org.HdrHistogram.Histogram;

/**
 * Time statistics of one collector on one heap: every pause in an HdrHistogram (nanoseconds, three
 * significant digits, auto-resizing), cycles counted apart from pauses (an incremental cycle has
 * many pauses), total GC time, and time spent verifying. Mutator time is wall time minus GC and
 * verification time, measured by the runner.
 * Deterministic work counters live in {@link dev.gclab.heap.WorkCounters}.
 */
public final class GcStats {
    private final Histogram pauses = new Histogram(3);
    private long cycles;
    private long youngCycles;
    private long gcNanos;
    private long verifyNanos;

    public GcStats() { pauses.setAutoResize(true); }

    /** Records one stop-the-world pause of {@code nanos}. */
    public void recordPause(long nanos) {
        long n = Math.max(1, nanos);
        pauses.recordValue(n);
        gcNanos += n;
    }

    /** Counts a completed collection cycle. */
    public void cycleCompleted(boolean young) {
        cycles++;
        if (young) youngCycles++;
    }

    /** Records time spent in the heap verifier (not a pause, not mutator time). */
    public void recordVerification(long nanos) { verifyNanos += nanos; }

    /** Time spent verifying the heap ({@code --verify}). */
    public long verifyNanos() { return verifyNanos; }

    public Histogram pauses() { return pauses; }
    public long cycles() { return cycles; }
    public long youngCycles() { return youngCycles; }
    public long fullCycles() { return cycles - youngCycles; }
    public long gcNanos() { return gcNanos; }
    public long pauseCount() { return pauses.getTotalCount(); }
    public long pauseNanosAt(double percentile) { return pauses.getTotalCount() == 0 ? 0 : pauses.getValueAtPercentile(percentile); }
    public long maxPauseNanos() { return pauses.getTotalCount() == 0 ? 0 : pauses.getMaxValue(); }
}
