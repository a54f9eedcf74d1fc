package dev.gclab.workloads.pycycles;

import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.workloads.TestHeaps;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * A heap with little live data never runs out: the full-size {@code pycycles} program (about 1.25
 * million objects, under 1.3 MB live at its peak) runs in a 3 MiB heap under every collector that frees
 * by count — freed slots and emptied spans come back to allocation without a sweep (it ran out of heap
 * at 6 MiB when emptied spans were lost) — and in 8 MiB under every tracing collector.
 */
class SmallHeapTest {
    static Stream<CollectorProvider> collectors() { return CollectorRegistry.all().stream(); }

    @ParameterizedTest(name = "{0}")
    @MethodSource("collectors")
    void pycyclesRunsInASmallHeap(CollectorProvider p) {
        long heap = p.constraints().needsRefCounts() ? 3L << 20 : 8L << 20;
        try (TestHeaps t = TestHeaps.create(p.name(), heap, CollectorOptions.defaults().withMinTrigger(1L << 20))) {
            PyCycles.execute(t.context(1, 1.0, Map.of()));
            assertEquals(0, t.heap().objectCount(), "the run ends with an empty heap");
        }
    }
}
