package dev.gclab.workloads.graph;

import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.gc.spi.UnknownNameException;
import dev.gclab.heap.Heap;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.workloads.TestHeaps;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.ValueSource;

import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.assertArrayEquals;
import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class GraphShapesTest {
    private static final long HEAP = 64L << 20;
    /** Small enough that collections run while the graphs are being built. */
    private static final long SMALL_TRIGGER = 128L << 10;
    /** Large enough that no collection runs: allocation order is then address order. */
    private static final long NO_GC = 1L << 40;

    @Test
    void lcgMatchesTheAnchorsSequence() {
        // First draws of the Python anchor's generator (cpython_gc.py) for seed 12345, and index(out, 1000).
        Lcg lcg = new Lcg(12345);
        long[] outs = new long[5];
        int[] idx = new int[5];
        for (int i = 0; i < 5; i++) {
            outs[i] = lcg.next();
            idx[i] = Lcg.index(outs[i], 1000);
        }
        assertArrayEquals(new long[] {470636529L, 1139821166L, 3803726085L, 3589464842L, 1398574760L}, outs);
        assertArrayEquals(new int[] {109, 265, 885, 835, 325}, idx);
    }

    @Test
    void randomOfTwentyNodesIsTheAnchorsGraph() {
        // Adjacency (by node index) of cpython_gc.py's build_random(20), seed 12345.
        int[][] expected = {{0, 1, 4}, {10, 13}, {10, 17, 5}, {5, 9}, {18, 0}, {0, 18}, {15, 5}, {9, 4, 3}, {1, 16, 5},
            {3, 1, 15}, {6, 17}, {0, 10, 14}, {18, 15, 4}, {11, 6, 0}, {9, 4}, {6, 16}, {3, 2, 18}, {17, 10}, {13, 10}, {11, 1}};
        try (TestHeaps t = TestHeaps.markSweep(HEAP, SMALL_TRIGGER)) {
            assertEquals(21, GraphShapes.build(t.mutator(), Shape.RANDOM, 20));
            assertArrayEquals(expected, adjacencyFromRootArray(t.mutator()));
        }
    }

    @ParameterizedTest
    @ValueSource(longs = {12345L, 7L})
    void randomAndLocalMatchAPlainJavaConstruction(long seed) {
        int n = 5000;
        for (Shape shape : new Shape[] {Shape.RANDOM, Shape.LOCAL}) {
            try (TestHeaps t = TestHeaps.markSweep(HEAP, SMALL_TRIGGER)) {
                assertEquals(n + 1, GraphShapes.build(t.mutator(), shape, n, seed));
                assertTrue(t.collector().stats().cycles() > 0, "collections ran during the build");
                t.collector().collect(GcCause.EXPLICIT); // the verifier checks nothing reachable was lost
                assertArrayEquals(plainJava(shape, n, seed), adjacencyFromRootArray(t.mutator()), shape.label());
                assertEquals(n + 1, t.heap().objectCount(), "the graph and its root array are all live");
            }
        }
    }

    /** The graph built independently with Java arrays: node i's out-edges by node index. */
    private static int[][] plainJava(Shape shape, int n, long seed) {
        long x = seed;
        int[][] adj = new int[n][];
        for (int i = 0; i < n; i++) {
            x = x * 6364136223846793005L + 1442695040888963407L;
            adj[i] = new int[((x >>> 32) & 1) != 0 ? 3 : 2];
        }
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < adj[i].length; j++) {
                if (shape == Shape.LOCAL) {
                    adj[i][j] = (i + j + 1) % n;
                } else {
                    x = x * 6364136223846793005L + 1442695040888963407L;
                    adj[i][j] = (int) (((x >>> 32) * n) >>> 32);
                }
            }
        }
        return adj;
    }

    /** Reads the graph back through the root array: each node's slots as node indices. */
    private static int[][] adjacencyFromRootArray(Mutator m) {
        long root = m.getGlobal(m.global(GraphShapes.ROOT_GLOBAL));
        assertEquals(LayoutRegistry.REF_ARRAY, m.layoutOf(root));
        int n = m.length(root);
        Map<Long, Integer> index = new HashMap<>();
        for (int i = 0; i < n; i++) index.put(m.getRef(root, i), i);
        assertEquals(n, index.size(), "every node appears once in the root array");
        int node2 = m.layouts().idOf(GraphShapes.NODE2);
        int node3 = m.layouts().idOf(GraphShapes.NODE3);
        int[][] adj = new int[n][];
        for (int i = 0; i < n; i++) {
            long node = m.getRef(root, i);
            int lid = m.layoutOf(node);
            assertTrue(lid == node2 || lid == node3);
            adj[i] = new int[m.refSlots(node)];
            for (int j = 0; j < adj[i].length; j++) adj[i][j] = index.get(m.getRef(node, j));
        }
        return adj;
    }

    @ParameterizedTest
    @EnumSource(value = Shape.class, names = {"TREE", "TREE_TD"})
    void treesAreCompleteAndAllReachable(Shape shape) {
        for (int n : new int[] {1, 2, 6, 1000, 40000}) {
            try (TestHeaps t = TestHeaps.markSweep(HEAP, SMALL_TRIGGER)) {
                int d = GraphShapes.treeDepth(n);
                long built = GraphShapes.build(t.mutator(), shape, n);
                assertEquals((1L << (d + 1)) - 1, built);
                t.collector().collect(GcCause.EXPLICIT);
                assertEquals(built, countTree(t.mutator(), rootOf(t.mutator()), d), "nodes reachable, n=" + n);
                assertEquals(built, t.heap().objectCount());
            }
        }
    }

    @Test
    void treeAllocationOrderIsBottomUpOrTopDown() {
        for (Shape shape : new Shape[] {Shape.TREE, Shape.TREE_TD}) {
            try (TestHeaps t = TestHeaps.create(HEAP, CollectorOptions.defaults().withMinTrigger(NO_GC))) {
                GraphShapes.build(t.mutator(), shape, 1023);
                assertEquals(0, t.collector().stats().cycles());
                // With no collection, one size class's slots are handed out in address order.
                Mutator m = t.mutator();
                ArrayDeque<Long> todo = new ArrayDeque<>();
                todo.push(rootOf(m));
                int checked = 0;
                while (!todo.isEmpty()) {
                    long node = todo.pop();
                    for (int s = 0; s < 2; s++) {
                        long child = m.getRef(node, s);
                        if (child == 0) continue;
                        assertEquals(shape == Shape.TREE_TD, child > node, shape + ": parent allocated " + (shape == Shape.TREE_TD ? "before" : "after") + " its children");
                        todo.push(child);
                        checked++;
                    }
                }
                assertEquals(1022, checked);
                // top-down: the two children of a node are allocated one after the other
                if (shape == Shape.TREE_TD) {
                    long root = rootOf(m);
                    assertEquals(24, m.getRef(root, 1) - m.getRef(root, 0));
                }
            }
        }
    }

    @Test
    void ringLiveIsOneRingFromTheFirstNodeToTheLastAndBack() {
        int n = 3000;
        try (TestHeaps t = TestHeaps.markSweep(HEAP, SMALL_TRIGGER)) {
            assertEquals(n, GraphShapes.build(t.mutator(), Shape.RING_LIVE, n));
            t.collector().collect(GcCause.EXPLICIT);
            assertEquals(n, t.heap().objectCount());
            Mutator m = t.mutator();
            long first = rootOf(m);
            Set<Long> seen = new HashSet<>();
            long cur = first;
            for (int i = 0; i < n; i++) {
                assertEquals(1, m.refSlots(cur));
                assertTrue(seen.add(cur), "node visited twice before closing the ring");
                cur = m.getRef(cur, 0);
            }
            assertEquals(first, cur, "the ring closes after n steps");
        }
        try (TestHeaps t = TestHeaps.create(HEAP, CollectorOptions.defaults().withMinTrigger(NO_GC))) {
            // Each node points at the one allocated before it; the first points at the last.
            Mutator m = t.mutator();
            GraphShapes.build(m, Shape.RING_LIVE, 100);
            long first = rootOf(m);
            long last = m.getRef(first, 0);
            assertTrue(last > first);
            long cur = last;
            for (int i = 0; i < 98; i++) {
                long next = m.getRef(cur, 0);
                assertEquals(cur - 16, next, "node -> its predecessor in allocation order");
                cur = next;
            }
            assertEquals(first, m.getRef(cur, 0));
        }
    }

    @ParameterizedTest
    @EnumSource(value = Shape.class, names = {"CYC2", "CYC10", "RING"})
    void garbageShapesLeaveNothingAfterACollection(Shape shape) {
        int n = 20_007;
        long expected = switch (shape) {
            case CYC2 -> 20_006;
            case CYC10 -> 20_000;
            default -> n;
        };
        try (TestHeaps t = TestHeaps.markSweep(HEAP, SMALL_TRIGGER)) {
            Mutator m = t.mutator();
            Heap heap = t.heap();
            // something unrelated and live, to see that it survives and is all that survives
            int keep = m.global("test.keep");
            m.setGlobal(keep, m.allocateArray(LayoutRegistry.REF_ARRAY, 3));
            long before = heap.objectCount();
            long allocs = heap.counters().allocations;
            assertEquals(expected, GraphShapes.build(m, shape, n));
            assertEquals(expected, heap.counters().allocations - allocs, "objects allocated");
            assertEquals(0, m.getGlobal(m.global(GraphShapes.ROOT_GLOBAL)), "nothing rooted");
            t.collector().collect(GcCause.EXPLICIT);
            assertEquals(before, heap.objectCount());
            assertNotEquals(0, m.getGlobal(keep));
        }
        try (TestHeaps t = TestHeaps.create(HEAP, CollectorOptions.defaults().withMinTrigger(NO_GC))) {
            GraphShapes.build(t.mutator(), shape, n);
            assertEquals(expected, t.heap().objectCount(), "all built before the first collection");
            t.collector().collect(GcCause.EXPLICIT);
            assertEquals(0, t.heap().objectCount());
        }
    }

    @Test
    void aNewBuildDropsThePreviousGraph() {
        try (TestHeaps t = TestHeaps.markSweep(HEAP, SMALL_TRIGGER)) {
            GraphShapes.build(t.mutator(), Shape.RANDOM, 1000);
            GraphShapes.build(t.mutator(), Shape.TREE_TD, 1000);
            t.collector().collect(GcCause.EXPLICIT);
            assertEquals(1023, t.heap().objectCount());
            GraphShapes.dropRoot(t.mutator());
            t.collector().collect(GcCause.EXPLICIT);
            assertEquals(0, t.heap().objectCount());
        }
    }

    @Test
    void treeDepthIsRoundedLog2MinusOne() {
        // tree_depth_for of cpython_gc.py
        int[] ns = {1, 2, 3, 4, 5, 6, 7, 100, 1000, 10000, 1000000};
        int[] depths = {1, 1, 1, 1, 2, 2, 2, 6, 9, 12, 19};
        for (int i = 0; i < ns.length; i++) assertEquals(depths[i], GraphShapes.treeDepth(ns[i]), "n=" + ns[i]);
        for (int n = 1; n <= 1 << 20; n++) {
            int viaDouble = Math.max(1, (int) Math.rint(Math.log(n + 1.0) / Math.log(2.0)) - 1);
            if (GraphShapes.treeDepth(n) != viaDouble) assertEquals(viaDouble, GraphShapes.treeDepth(n), "n=" + n);
        }
        assertEquals(30, GraphShapes.treeDepth(Integer.MAX_VALUE));
    }

    @Test
    void unknownShapeListsTheValidOnes() {
        UnknownNameException e = assertThrows(UnknownNameException.class, () -> Shape.parse("mesh"));
        assertTrue(e.getMessage().contains("'mesh'"), e.getMessage());
        assertTrue(e.getMessage().contains("cyc2, cyc10, ring, ring_live, random, local, tree, tree_td"), e.getMessage());
        assertEquals(Shape.TREE_TD, Shape.parse(" tree_td "));
        assertThrows(UnknownNameException.class, () -> Shape.parse("TREE_TD"), "names are case-sensitive");
    }

    @Test
    void badSizesAreErrors() {
        try (TestHeaps t = TestHeaps.markSweep(HEAP, SMALL_TRIGGER)) {
            assertThrows(IllegalArgumentException.class, () -> GraphShapes.build(t.mutator(), Shape.RANDOM, 0));
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> GraphShapes.build(t.mutator(), Shape.LOCAL, GraphShapes.MAX_ROOT_ARRAY_NODES + 1));
            assertTrue(e.getMessage().contains("exceeds"), e.getMessage());
        }
    }

    private static long rootOf(Mutator m) { return m.getGlobal(m.global(GraphShapes.ROOT_GLOBAL)); }

    /** Nodes of a complete binary tree of depth d under root; fails on a missing or extra child or a shared node. */
    private static long countTree(Mutator m, long root, int d) {
        Set<Long> seen = new HashSet<>();
        ArrayDeque<long[]> todo = new ArrayDeque<>();
        todo.push(new long[] {root, 0});
        while (!todo.isEmpty()) {
            long[] e = todo.pop();
            assertTrue(seen.add(e[0]), "a node is shared");
            for (int s = 0; s < 2; s++) {
                long child = m.getRef(e[0], s);
                if (e[1] == d) assertEquals(0, child, "leaf slots are null");
                else {
                    assertNotEquals(0, child, "inner node lacks a child");
                    todo.push(new long[] {child, e[1] + 1});
                }
            }
        }
        return seen.size();
    }
}
