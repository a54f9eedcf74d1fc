package dev.gclab.gc.stats;

import org.HdrHistogram.Histogram;

/**
 * Time statistics of one collector on one heap: every pause in HdrHistograms (nanoseconds, three
 * significant digits, auto-resizing) — all pauses, and minor (young) and major (full) apart — and in a
 * {@link Timeline} (start, duration, kind, occupancy after: the source of MMU); cycles counted apart
 * from pauses (an incremental cycle has many pauses); total GC time; and time spent verifying.
 * Mutator time is wall time minus GC and verification time, measured by the runner. Deterministic work
 * counters live in {@link dev.gclab.heap.WorkCounters}.
 *
 * <p>Clock: {@link System#nanoTime()} minus the moment this object was created ({@link #origin()}), so
 * timelines of one run start near 0.
 */
public final class GcStats {
    private final Histogram pauses = newHistogram();
    private final Histogram minor = newHistogram();
    private final Histogram major = newHistogram();
    private final Timeline timeline = new Timeline();
    private final long origin = System.nanoTime();
    private long cycles;
    private long youngCycles;
    private long gcNanos;
    private long verifyNanos;
    private java.util.function.LongSupplier heapBytes = () -> 0;
    private dev.gclab.heap.Heap heap;
    private long[] spaceBytes;

    private static Histogram newHistogram() {
        Histogram h = new Histogram(3);
        h.setAutoResize(true);
        return h;
    }

    /** Where the timeline reads the heap's occupancy after each pause. */
    public void setHeapBytes(java.util.function.LongSupplier inUse) { heapBytes = inUse; }

    /** The heap whose occupancy, in all and per space, the timeline records after each pause. */
    public void setHeap(dev.gclab.heap.Heap h) {
        heap = h;
        heapBytes = h::inUseBytes;
    }

    /** {@link System#nanoTime()} of this object's creation: timeline times are relative to it. */
    public long origin() { return origin; }

    /** Records a full pause that started at {@code startNanoTime} ({@link System#nanoTime()}) and ends now. */
    public void recordPause(PauseKind kind, long startNanoTime) { recordPause(kind, startNanoTime, System.nanoTime()); }

    /** Records a pause from {@code startNanoTime} to {@code endNanoTime} (both {@link System#nanoTime()}). */
    public void recordPause(PauseKind kind, long startNanoTime, long endNanoTime) {
        long n = Math.max(1, endNanoTime - startNanoTime);
        pauses.recordValue(n);
        if (kind == PauseKind.MINOR) minor.recordValue(n);
        else if (kind == PauseKind.MAJOR) major.recordValue(n);
        gcNanos += n;
        long[] perSpace = null;
        if (heap != null) {
            int k = heap.spaceCount();
            if (spaceBytes == null || spaceBytes.length != k) spaceBytes = new long[k];
            for (int i = 0; i < k; i++) spaceBytes[i] = heap.space(i).inUseBytes();
            perSpace = spaceBytes;
        }
        timeline.add(startNanoTime - origin, n, kind, heapBytes.getAsLong(), perSpace);
    }

    /** Records one stop-the-world major pause of {@code nanos} that ended now. */
    public void recordPause(long nanos) {
        long end = System.nanoTime();
        recordPause(PauseKind.MAJOR, end - nanos, end);
    }

    /** Records a phase inside a pause (for timelines only; pause times are recorded by {@link #recordPause}). */
    public void recordPhase(Phase phase, long startNanoTime, long endNanoTime) {
        timeline.addPhase(startNanoTime - origin, Math.max(1, endNanoTime - startNanoTime), phase);
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
    /** Pauses of young collections. */
    public Histogram minorPauses() { return minor; }
    /** Pauses of full collections. */
    public Histogram majorPauses() { return major; }
    public Timeline timeline() { return timeline; }
    public long cycles() { return cycles; }
    public long youngCycles() { return youngCycles; }
    public long fullCycles() { return cycles - youngCycles; }
    public long gcNanos() { return gcNanos; }
    public long pauseCount() { return pauses.getTotalCount(); }
    public long pauseNanosAt(double percentile) { return pauses.getTotalCount() == 0 ? 0 : pauses.getValueAtPercentile(percentile); }
    public long maxPauseNanos() { return pauses.getTotalCount() == 0 ? 0 : pauses.getMaxValue(); }

    /** MMU over the run {@code [runStartNanoTime, runEndNanoTime]} ({@link System#nanoTime()}) for a window of {@code windowNs}. */
    public double mmu(long runStartNanoTime, long runEndNanoTime, long windowNs) {
        return Mmu.of(timeline, runStartNanoTime - origin, runEndNanoTime - origin, windowNs);
    }
}
