package dev.gclab.gc.stats;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;

class MmuTest {
    private static final long MS = 1_000_000L;

    /** A GcStats whose pauses are at the given [start, end) ms of a run starting at its origin. */
    private static GcStats with(long[]... pauses) {
        GcStats s = new GcStats();
        for (long[] p : pauses) s.recordPause(PauseKind.MAJOR, s.origin() + p[0] * MS, s.origin() + p[1] * MS);
        return s;
    }

    @Test
    void onePause() {
        GcStats s = with(new long[] {20, 30});
        long start = s.origin(), end = s.origin() + 100 * MS;
        assertEquals(0.0, s.mmu(start, end, 5 * MS), 1e-9, "a window inside the pause");
        assertEquals(0.0, s.mmu(start, end, 10 * MS), 1e-9, "the pause fills it");
        assertEquals(0.5, s.mmu(start, end, 20 * MS), 1e-9);
        assertEquals(0.9, s.mmu(start, end, 100 * MS), 1e-9, "the whole run");
        assertEquals(0.9, s.mmu(start, end, 1000 * MS), 1e-9, "wider than the run: the run's utilisation");
    }

    @Test
    void twoPausesCloseTogetherShareAWindow() {
        GcStats s = with(new long[] {10, 15}, new long[] {17, 22});
        long start = s.origin(), end = s.origin() + 100 * MS;
        assertEquals(1 - 10.0 / 12, s.mmu(start, end, 12 * MS), 1e-9, "both pauses in one 12 ms window");
        assertEquals(1 - 6.0 / 8, s.mmu(start, end, 8 * MS), 1e-9, "5 + 1 ms of pause at best in 8 ms");
        assertEquals(0.0, s.mmu(start, end, 5 * MS), 1e-9);
    }

    @Test
    void noPausesMeansFullUtilisation() {
        GcStats s = new GcStats();
        assertEquals(1.0, s.mmu(s.origin(), s.origin() + 10 * MS, MS), 1e-9);
    }

    @Test
    void histogramsByKind() {
        GcStats s = new GcStats();
        s.recordPause(PauseKind.MINOR, s.origin(), s.origin() + MS);
        s.recordPause(PauseKind.MAJOR, s.origin() + 2 * MS, s.origin() + 5 * MS);
        s.recordPause(PauseKind.STEP, s.origin() + 6 * MS, s.origin() + 7 * MS);
        assertEquals(3, s.pauseCount());
        assertEquals(1, s.minorPauses().getTotalCount());
        assertEquals(1, s.majorPauses().getTotalCount());
        assertEquals(3, s.timeline().size());
        assertEquals(PauseKind.STEP, s.timeline().kind(2));
        assertEquals(5 * MS, s.gcNanos());
    }
}
