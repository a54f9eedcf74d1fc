package dev.gclab.workloads.capi;

import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.workloads.TestHeaps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.HashMap;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/** The capi workload on every registered collector, its checks, its raw mode and its parameters. */
class CApiTest {
    /** 400 calls per round over 400 objects, a cache of 20: a few collections in a small heap. */
    private static final double SMALL = 0.02;
    private static final Map<String, String> PINS = Map.of("pinned_fraction", "0.05", "rounds", "4", "evict", "20");

    static Stream<CollectorProvider> collectors() { return CollectorRegistry.all().stream(); }

    private static TestHeaps heap(String collector) {
        return TestHeaps.create(collector, 32L << 20, CollectorOptions.defaults().withVerify(true).withMinTrigger(64 << 10));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource("collectors")
    void runsOnEveryCollectorWithPinsWindowsAndTheVerifier(CollectorProvider p) {
        // 2.5x SMALL in an 8 MiB heap: enough allocation that a collector with a nursery (a 32nd of the heap, at
        // least 256 KiB) also collects more than once
        try (TestHeaps t = TestHeaps.create(p.name(), 8L << 20, CollectorOptions.defaults().withVerify(true).withMinTrigger(64 << 10))) {
            CApi.Outcome o = CApi.execute(t.context(11, 2.5 * SMALL, PINS));
            assertEquals(4 * 1000, o.calls());
            assertEquals(50, o.pinned());
            assertTrue(o.windows() > 0 && o.windowTouches() == 8 * o.windows(), o::toString);
            assertTrue(o.evictions() > 0, o::toString);
            assertTrue(o.collections() >= 2, o::toString);
            assertEquals(1000 + 50 + 50, o.objectsChecked());
            assertEquals(0, t.heap().handles().liveCount(), "every handle released");
            assertEquals(0, t.heap().handles().openWindowCount(), "every window closed");
        }
    }

    @Test
    void underAMovingCollectorObjectsMoveAndStayIntact() {
        for (CollectorProvider p : CollectorRegistry.all()) {
            if (!p.constraints().movesObjects()) continue;
            try (TestHeaps t = heap(p.name())) {
                CApi.execute(t.context(5, SMALL, PINS));
                assertTrue(t.heap().counters().objectsCopied > 0, p.name() + ": nothing moved, so nothing was tested");
            }
        }
    }

    @Test
    void rawAddressesAreRefusedUnderACollectorThatMovesObjects() {
        for (CollectorProvider p : CollectorRegistry.all()) {
            if (!p.constraints().movesObjects()) continue;
            try (TestHeaps t = heap(p.name())) {
                IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                    () -> CApi.execute(t.context(5, SMALL, Map.of("access", "raw"))));
                assertTrue(e.getMessage().contains("access=raw") && e.getMessage().contains(p.name()), e.getMessage());
                assertEquals(0, t.heap().counters().allocations, "refused before the first allocation");
            }
        }
    }

    @Test
    void rawAccessDoesTheSameHeapWorkWithoutHandles() {
        for (CollectorProvider p : CollectorRegistry.all()) {
            if (p.constraints().movesObjects()) continue;
            long[] allocations = new long[2];
            long[] handleOps = new long[2];
            for (int mode = 0; mode < 2; mode++) {
                Map<String, String> params = new HashMap<>(PINS);
                params.put("access", mode == 0 ? "handles" : "raw");
                try (TestHeaps t = heap(p.name())) {
                    CApi.execute(t.context(5, SMALL, params));
                    allocations[mode] = t.heap().counters().allocations;
                    handleOps[mode] = t.heap().counters().handleOps;
                }
            }
            assertEquals(allocations[0] + 1, allocations[1], p.name() + ": raw mode allocates the same, plus the array that keeps its objects alive");
            assertEquals(0, handleOps[1], p.name());
            assertTrue(handleOps[0] > 4 * 400 * 2, p.name());
        }
    }

    @Test
    void sameSeedSameRun() {
        String c = CollectorRegistry.all().getFirst().name();
        Map<String, Long> first = null;
        for (int i = 0; i < 2; i++) {
            try (TestHeaps t = heap(c)) {
                CApi.execute(t.context(42, SMALL, PINS));
                if (first == null) first = t.heap().counters().asMap();
                else assertEquals(first, t.heap().counters().asMap());
            }
        }
    }

    @Test
    void aCorruptedObjectIsFound() {
        try (TestHeaps t = heap(CollectorRegistry.all().getFirst().name())) {
            CApi.Plan plan = CApi.Plan.of(SMALL, PINS);
            CApiRun run = new CApiRun(t.context(3, SMALL, PINS), plan);
            run.setUp();
            run.round();
            long table = t.mutator().getGlobal(t.mutator().global(CApiRun.TABLE_GLOBAL));
            long victim = t.mutator().getRef(table, 123);
            t.mutator().setLong(victim, 2, t.mutator().getLong(victim, 2) ^ 1);
            IllegalStateException e = assertThrows(IllegalStateException.class, run::finish);
            assertTrue(e.getMessage().contains("table slot 123") && e.getMessage().contains("the data it was given"), e.getMessage());
            for (int h = 1; h < t.heap().handles().capacity(); h++) {
                while (t.heap().handles().isLive(h) && t.heap().handles().windows(h) > 0) t.mutator().unpinHandle(h); // so the heap closes quietly
            }
        }
    }

    @Test
    void planScalesWithSizeAndPinsTheGivenShare() {
        CApi.Plan p = CApi.Plan.of(0.5, Map.of("pinned_fraction", "0.001"));
        assertEquals(10_000, p.calls());
        assertEquals(10_000, p.objects());
        assertEquals(500, p.cache());
        assertEquals(10, p.pinned());
        assertFalse(p.raw());
        assertEquals(0, CApi.Plan.of(1, Map.of()).pinned());
        assertEquals(20_000, CApi.Plan.of(1, Map.of("pinned_fraction", "1")).pinned());
        IllegalArgumentException e = assertThrows(IllegalArgumentException.class, () -> CApi.Plan.of(1, Map.of("pinned_fraction", "1.5")));
        assertEquals("parameter pinned_fraction of workload capi must be a decimal number in [0, 1], not '1.5' (out of range)", e.getMessage());
    }
}
