package dev.gclab.reports.anchors;

import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;
import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.spi.Constraints;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.reports.runner.ChildJvm;
import dev.gclab.workloads.graph.GraphShapes;
import dev.gclab.workloads.graph.Shape;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * gclab's side of the CPython anchor: builds a portable graph shape on a fresh simulated heap and
 * times one full collection ({@code Collector.collect}: for {@code rc} a generation-2 cycle detection,
 * for a tracing collector a full trace). A collector that counts references also frees a dropped
 * top-down tree by count, and a collector with young collections times one over 700 new objects that
 * point into the live {@code random} graph (as {@code anchors/cpython_graphs.py} does with
 * {@code gc.collect(0)}). Automatic collection is off while building (trigger out of reach, and a
 * collector that takes {@code thresholds} gets them at 0).
 *
 * <p>Each collector is measured in a JVM of its own ({@link #inChild}, running {@link #main}): once a
 * second collector has run through the mutator's barrier and allocation call sites, the JIT can no
 * longer inline the first one's code there, so measuring several in one JVM would make each result
 * depend on the order. The child prints its figures as JSON lines in the Python script's format.
 */
public final class GclabGraphs {
    /** Large enough for the 1e6-node graphs with room to spare; the OS commits pages as they are touched. */
    static final long HEAP_BYTES = 2L << 30;
    private static final long NEVER = 1L << 50;
    /** New objects per young collection, as in CPython's default generation-0 threshold. */
    static final int YOUNG = 700;
    private static final ObjectMapper JSON = new ObjectMapper();

    /** One timed operation: the median over repetitions and the objects the graph had. */
    public record Timing(long objects, double medianNs) {
        public double nsPerObject() { return medianNs / objects; }
    }

    private GclabGraphs() {}

    /**
     * The child: {@code collector n reps young_iters shape,shape,...}: warms up on graphs of N / 10,
     * then prints one {@code collect} line per shape, a {@code drop_tree} line if the collector counts
     * references and a {@code young} line if it has young collections.
     */
    public static void main(String[] args) {
        if (args.length != 5) {
            System.err.println("usage: GclabGraphs COLLECTOR N REPS YOUNG_ITERS SHAPES");
            System.exit(2);
        }
        String collector = args[0];
        int n = Integer.parseInt(args[1]);
        int reps = Integer.parseInt(args[2]);
        int youngIters = Integer.parseInt(args[3]);
        List<Shape> shapes = new ArrayList<>();
        for (String s : args[4].split(",")) shapes.add(Shape.parse(s));
        Constraints c = CollectorRegistry.byName(collector).constraints();
        warmUp(collector, Math.max(1000, n / 10), 2, c);
        emit(JSON.createObjectNode().put("kind", "gclab").put("collector", collector));
        for (Shape s : shapes) emit("collect", s.label(), n, collect(collector, s, n, reps));
        if (c.needsRefCounts()) emit("drop_tree", "tree_td", n, dropTree(collector, n, reps));
        if (c.generational() && youngIters > 0) emit("young", "random", n, young(collector, n, youngIters));
    }

    private static void emit(String kind, String shape, int n, Timing t) {
        emit(JSON.createObjectNode().put("kind", kind).put("shape", shape).put("n", n).put("objects", t.objects())
            .put("median_ns", t.medianNs()).put("ns_per_object", t.nsPerObject()));
    }

    private static void emit(ObjectNode o) {
        System.out.println(o);
        System.out.flush();
    }

    /**
     * Measures {@code collector} in a child JVM: the figures of {@link #main} as the Python script's
     * output (version null). Progress lines of the child go to {@code progress}.
     *
     * @throws ChildJvm.ChildRunException if the child failed
     */
    public static AnchorJson.PyOutput inChild(String collector, int n, int reps, int youngIters, List<String> shapes, Consumer<String> progress) {
        String out = ChildJvm.runMain(GclabGraphs.class.getName(),
            List.of(collector, Integer.toString(n), Integer.toString(reps), Integer.toString(youngIters), String.join(",", shapes)), progress);
        return AnchorJson.parsePython(out);
    }

    /** Median of {@code reps} full collections of {@code shape} with {@code n} nodes under {@code collector}. */
    public static Timing collect(String collector, Shape shape, int n, int reps) {
        long[] ns = new long[reps];
        long objects = 0;
        for (int r = 0; r < reps; r++) {
            try (Heap heap = new Heap(HeapConfig.of(HEAP_BYTES)); Collector c = create(collector, heap)) {
                Mutator m = new Mutator(heap, c);
                objects = GraphShapes.build(m, shape, n);
                long t0 = System.nanoTime();
                c.collect(GcCause.EXPLICIT);
                ns[r] = System.nanoTime() - t0;
            }
        }
        return new Timing(objects, median(ns));
    }

    /** Median over {@code reps} of freeing a built top-down tree by count (its root dropped). */
    public static Timing dropTree(String collector, int n, int reps) {
        long[] ns = new long[reps];
        long objects = 0;
        for (int r = 0; r < reps; r++) {
            try (Heap heap = new Heap(HeapConfig.of(HEAP_BYTES)); Collector c = create(collector, heap)) {
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

    /**
     * Median over {@code iters} young collections, each of {@value #YOUNG} new two-reference objects
     * (held by a new array) pointing at objects of the live {@code random} graph of {@code n} nodes,
     * which a full collection has made old first. {@code objects} is {@value #YOUNG}.
     */
    public static Timing young(String collector, int n, int iters) {
        long[] ns = new long[iters];
        try (Heap heap = new Heap(HeapConfig.of(HEAP_BYTES)); Collector c = create(collector, heap)) {
            Mutator m = new Mutator(heap, c);
            GraphShapes.build(m, Shape.RANDOM, n);
            c.collect(GcCause.EXPLICIT);
            int node = m.layouts().fixed(GraphShapes.NODE2, "rr");
            int youngGlobal = m.global("anchors.young");
            long[] olds = new long[YOUNG];
            for (int r = 0; r < iters; r++) {
                m.setGlobal(youngGlobal, 0);
                c.collectYoung(GcCause.EXPLICIT); // nothing young left over from the previous round
                // addresses of old objects are read after the collection: a moving collector may have moved them
                long nodes = m.getGlobal(m.global(GraphShapes.ROOT_GLOBAL));
                for (int i = 0; i < YOUNG; i++) olds[i] = GraphShapes.node(m, nodes, n, (int) ((i * 1429L) % n));
                m.setGlobal(youngGlobal, m.allocateArray(LayoutRegistry.REF_ARRAY, YOUNG));
                for (int i = 0; i < YOUNG; i++) {
                    long o = m.allocate(node);
                    m.setRef(m.getGlobal(youngGlobal), i, o);
                    m.setRef(o, 0, olds[i]);
                }
                long t0 = System.nanoTime();
                c.collectYoung(GcCause.EXPLICIT);
                ns[r] = System.nanoTime() - t0;
            }
        }
        return new Timing(YOUNG, median(ns));
    }

    /** Runs every measured operation once or twice on a graph of {@code n} nodes, for the JIT. */
    static void warmUp(String collector, int n, int times, Constraints c) {
        for (int i = 0; i < times; i++) {
            for (Shape s : new Shape[] {Shape.CYC2, Shape.RANDOM, Shape.TREE, Shape.TREE_TD}) collect(collector, s, n, 1);
            if (c.needsRefCounts()) dropTree(collector, n, 1);
            if (c.generational()) young(collector, n, 50);
        }
    }

    /** {@code collector} with automatic collection out of reach ({@code thresholds=0} where the collector takes it). */
    static Collector create(String name, Heap heap) {
        CollectorProvider p = CollectorRegistry.byName(name);
        CollectorOptions quiet = new CollectorOptions(2.0, NEVER, false, Map.of("thresholds", "0"));
        try {
            p.validate(quiet);
        } catch (IllegalArgumentException e) {
            quiet = new CollectorOptions(2.0, NEVER, false, Map.of());
        }
        return p.create(heap, quiet);
    }

    static double median(long[] xs) {
        long[] s = xs.clone();
        Arrays.sort(s);
        int k = s.length;
        return k % 2 == 1 ? s[k / 2] : (s[k / 2 - 1] + s[k / 2]) / 2.0;
    }
}
