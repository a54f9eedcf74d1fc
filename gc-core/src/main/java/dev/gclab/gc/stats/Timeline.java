package dev.gclab.gc.stats;

import java.util.Arrays;

/**
 * Every pause of a run in order, and the phases inside them: start (ns since the collector was
 * created), duration, kind, and the heap's occupancy when the pause ended. Primitive arrays that grow by
 * doubling: a few tens of bytes per pause, nothing per object. The source of MMU ({@link Mmu}), the
 * report's occupancy chart and the trace-event timeline.
 */
public final class Timeline {
    private long[] start = new long[64];
    private long[] duration = new long[64];
    private byte[] kind = new byte[64];
    private long[] heapAfter = new long[64];
    private int count;
    /** Per pause, the occupancy of each space when it ended: {@code spaces} values per pause. */
    private long[] spaceAfter = new long[0];
    private int spaces;

    private long[] phaseStart = new long[64];
    private long[] phaseDuration = new long[64];
    private byte[] phase = new byte[64];
    private int phases;

    void add(long startNs, long durationNs, PauseKind k, long heapBytesAfter, long[] spaceBytesAfter) {
        if (spaceBytesAfter != null) {
            if (count == 0 || spaces == 0) spaces = spaceBytesAfter.length;
            int need = (count + 1) * spaces;
            if (spaceAfter.length < need) spaceAfter = Arrays.copyOf(spaceAfter, Math.max(need, spaceAfter.length * 2));
            System.arraycopy(spaceBytesAfter, 0, spaceAfter, count * spaces, Math.min(spaces, spaceBytesAfter.length));
        }
        add(startNs, durationNs, k, heapBytesAfter);
    }

    void add(long startNs, long durationNs, PauseKind k, long heapBytesAfter) {
        if (count == start.length) {
            int n = count * 2;
            start = Arrays.copyOf(start, n);
            duration = Arrays.copyOf(duration, n);
            kind = Arrays.copyOf(kind, n);
            heapAfter = Arrays.copyOf(heapAfter, n);
        }
        start[count] = startNs;
        duration[count] = durationNs;
        kind[count] = (byte) k.ordinal();
        heapAfter[count] = heapBytesAfter;
        count++;
    }

    void addPhase(long startNs, long durationNs, Phase p) {
        if (phases == phaseStart.length) {
            int n = phases * 2;
            phaseStart = Arrays.copyOf(phaseStart, n);
            phaseDuration = Arrays.copyOf(phaseDuration, n);
            phase = Arrays.copyOf(phase, n);
        }
        phaseStart[phases] = startNs;
        phaseDuration[phases] = durationNs;
        phase[phases] = (byte) p.ordinal();
        phases++;
    }

    public int size() { return count; }
    public long start(int i) { return start[i]; }
    public long duration(int i) { return duration[i]; }
    public long end(int i) { return start[i] + duration[i]; }
    public PauseKind kind(int i) { return PauseKind.values()[kind[i]]; }
    /** Heap occupancy (bytes in use) when pause {@code i} ended. */
    public long heapAfter(int i) { return heapAfter[i]; }

    /** How many spaces {@link #spaceAfter} has per pause (0 if occupancy per space is not recorded). */
    public int spaces() { return spaces; }
    /** The occupancy of space {@code space} when pause {@code i} ended. */
    public long spaceAfter(int i, int space) { return spaceAfter[i * spaces + space]; }

    public int phaseCount() { return phases; }
    public long phaseStart(int i) { return phaseStart[i]; }
    public long phaseDuration(int i) { return phaseDuration[i]; }
    public Phase phase(int i) { return Phase.values()[phase[i]]; }
}
