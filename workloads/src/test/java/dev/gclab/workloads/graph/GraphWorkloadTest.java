package dev.gclab.workloads.graph;

import dev.gclab.workloads.TestHeaps;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphWorkloadTest {
    private final Workload graph = WorkloadRegistry.byName("graph");

    @ParameterizedTest
    @EnumSource(Shape.class)
    void everyShapeRunsUnderTheVerifierAndIsFreedAtTheEnd(Shape shape) {
        try (TestHeaps t = TestHeaps.markSweep(32L << 20, 4L << 20)) {
            graph.run(t.context(12345, 0.004, Map.of("shape", shape.label(), "reps", "2")));
            // 2 explicit collections with the graph, one after dropping it; the verifier ran after each
            assertEquals(3, t.collector().stats().cycles());
            assertEquals(0, t.heap().objectCount(), "nothing is left after the root was dropped");
            assertEquals(1, t.log().size());
            assertTrue(t.log().getFirst().contains("shape " + shape.label()) && t.log().getFirst().contains("N 4,000"), t.log().getFirst());
        }
    }

    @Test
    void defaultsAreRandomAndThreeCollections() {
        try (TestHeaps t = TestHeaps.markSweep(32L << 20, 4L << 20)) {
            graph.run(t.context(12345, 0.001, Map.of()));
            assertEquals(4, t.collector().stats().cycles());
            assertTrue(t.log().getFirst().contains("shape random"), t.log().getFirst());
            // random: N nodes + the root array, each marked by each of the 3 collections with the graph live
            assertEquals(3 * 1001, t.heap().counters().objectsMarked);
        }
    }

    @Test
    void badParametersAreClearErrors() {
        try (TestHeaps t = TestHeaps.markSweep(16L << 20, 4L << 20)) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> graph.run(t.context(1, 0.001, Map.of("shap", "tree"))));
            assertTrue(e.getMessage().contains("'shap'") && e.getMessage().contains("valid parameters: graph_seed, reps, shape"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> graph.run(t.context(1, 0.001, Map.of("graph_seed", "x"))));
            assertTrue(e.getMessage().contains("graph_seed"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> graph.run(t.context(1, 0.001, Map.of("shape", "blob"))));
            assertTrue(e.getMessage().contains("must be one of cyc2, cyc10, ring, ring_live, random, local, tree, tree_td, not 'blob'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> graph.run(t.context(1, 0.001, Map.of("shape", "TREE"))));
            assertTrue(e.getMessage().contains("not 'TREE' (values are case-sensitive)"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> graph.run(t.context(1, 0.001, Map.of("reps", "many"))));
            assertTrue(e.getMessage().contains("reps"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> graph.run(t.context(1, 0.001, Map.of("reps", "-1"))));
            assertTrue(e.getMessage().contains("parameter reps of workload graph must be an integer in [0, 1000000], not '-1'"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> graph.run(t.context(1, 1e-7, Map.of())));
            assertTrue(e.getMessage().contains("graph: size 1e-7 is out of range: graph takes sizes in [1e-6, 2147.483647]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> graph.run(t.context(1, 3000, Map.of("shape", "ring"))));
            assertTrue(e.getMessage().contains("graph: size 3000 is out of range: graph takes sizes in [1e-6, 2147.483647]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> graph.run(t.context(1, 1e300, Map.of())));
            assertTrue(e.getMessage().contains("size 1e300 is out of range"), e.getMessage());
            assertEquals(0, t.collector().stats().cycles(), "nothing ran");
        }
    }

    @Test
    void registryListsEveryWorkload() {
        assertEquals("capi, gcbench, graph, pycycles", WorkloadRegistry.names());
        assertTrue(graph.parameters().stream().map(dev.gclab.workloads.WorkloadParam::name).toList()
            .containsAll(java.util.List.of("shape", "reps", "graph_seed")));
    }
}
