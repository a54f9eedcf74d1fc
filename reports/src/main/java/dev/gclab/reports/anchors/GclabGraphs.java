package dev.gclab.reports.anchors;

import dev.gclab.gc.plan.rc.RcCollector;
import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.workloads.graph.GraphShapes;
import dev.gclab.workloads.graph.Shape;

import java.util.Arrays;
import java.util.Map;

/**
 * gclab's side of the CPython anchor: builds a portable graph shape on a fresh simulated heap and
 * times one full collection ({@code rc}: a generation-2 cycle detection; {@code marksweep}: a full
 * mark and sweep), or, for {@code rc}, the freeing by count of a dropped top-down tree. Automatic
 * collection is off while building (rc thresholds 0; mark-sweep trigger out of reach).
 */
public final class GclabGraphs {
    /** Large enough for the 1e6-node graphs with room to spare; chunks are committed as the heap grows. */
    static final long HEAP_BYTES = 2L << 30;
    private static final long NEVER = 1L << 50;

    /** One timed operation: the median over repetitions and the objects the graph had. */
    public record Timing(long objects, double medianNs) {
        public double nsPerObject() { return medianNs / objects; }
    }

    private GclabGraphs() {}

    /** Median of {@code reps} full collections of {@code shape} with {@code n} nodes under {@code collector}. */
    public static Timing collect(String collector, Shape shape, int n, int reps) {
        long[] ns = new long[reps];
        long objects = 0;
        for (int r = 0; r < reps; r++) {
            try (Heap heap = new Heap(HeapConfig.of(HEAP_BYTES)); Collector c = create(collector, heap)) {
                Mutator m = new Mutator(heap, c);
                objects = GraphShapes.build(m, shape, n);
                long t0 = System.nanoTime();
                if (c instanceof RcCollector rc) rc.collectGeneration(2, GcCause.EXPLICIT);
                else c.collect(GcCause.EXPLICIT);
                ns[r] = System.nanoTime() - t0;
            }
        }
        return new Timing(objects, median(ns));
    }

    /** Median over {@code reps} of freeing a built top-down tree by count under rc (its root dropped). */
    public static Timing dropTree(int n, int reps) {
        long[] ns = new long[reps];
        long objects = 0;
        for (int r = 0; r < reps; r++) {
            try (Heap heap = new Heap(HeapConfig.of(HEAP_BYTES)); Collector c = create("rc", heap)) {
                Mutator m = new Mutator(heap, c);
                objects = GraphShapes.build(m, Shape.TREE_TD, n);
                int root = m.global(GraphShapes.ROOT_GLOBAL);
                long t0 = System.nanoTime();
                m.setGlobal(root, 0);
                ns[r] = System.nanoTime() - t0;
            }
        }
        return new Timing(objects, median(ns));
    }

    /** Runs every measured operation once or twice on a graph of {@code n} nodes, for the JIT. */
    public static void warmUp(int n, int times) {
        for (int i = 0; i < times; i++) {
            for (Shape s : new Shape[] {Shape.CYC2, Shape.RANDOM, Shape.TREE, Shape.TREE_TD}) {
                collect("rc", s, n, 1);
                collect("marksweep", s, n, 1);
            }
            dropTree(n, 1);
        }
    }

    static Collector create(String name, Heap heap) {
        CollectorOptions options = name.equals("rc")
            ? new CollectorOptions(2.0, NEVER, false, Map.of("thresholds", "0"))
            : new CollectorOptions(2.0, NEVER, false, Map.of());
        return CollectorRegistry.byName(name).create(heap, options);
    }

    static double median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        int k = s.length;
        return k % 2 == 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2.0;
    }
}
