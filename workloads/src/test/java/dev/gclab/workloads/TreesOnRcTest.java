package dev.gclab.workloads;

import dev.gclab.gc.plan.rc.RcCollector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.heap.Mutator;
import dev.gclab.workloads.graph.Shape;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;

/**
 * The shared builders under reference counting, where dropping the last root of an object frees it
 * at once: a top-down tree must stay held while and after it is built (it once came back freed,
 * and graph's tree_td failed on rc with "setGlobal ... the value is not an object in use").
 */
class TreesOnRcTest {
    private static TestHeaps rc() {
        return TestHeaps.create("rc", 32L << 20, CollectorOptions.defaults().withVerify(true));
    }

    @Test
    void topDownTreeStaysHeldInItsFrameSlot() {
        try (TestHeaps t = rc()) {
            Mutator m = t.mutator();
            int node = m.layouts().fixed("t.node", "rr");
            m.pushFrame(1);
            Trees.makeTreeTopDown(m, node, 6, 0);
            assertEquals(Trees.size(6), t.heap().objectCount());
            assertEquals(1, ((RcCollector) t.collector()).refCount(m.local(0)), "the frame slot is the root's only reference");
            m.popFrame();
            assertEquals(0, t.heap().objectCount(), "dropping the slot frees the tree by count");
        }
    }

    @ParameterizedTest
    @EnumSource(Shape.class)
    void everyGraphShapeRunsOnRc(Shape shape) {
        try (TestHeaps t = rc()) {
            WorkloadRegistry.byName("graph").run(t.context(12345, 0.002, Map.of("shape", shape.label(), "reps", "1")));
            assertEquals(0, t.heap().objectCount(), "nothing is left after the root was dropped");
        }
    }
}
