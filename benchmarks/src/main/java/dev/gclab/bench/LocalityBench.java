package dev.gclab.bench;

import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.workloads.graph.GraphShapes;
import dev.gclab.workloads.graph.Shape;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * What a collector's object order does to the mutator: a depth-first walk of a whole live graph
 * (reading every reference slot through {@link Mutator#getRef}) after one full collection. A copying
 * collector lays the graph out in its copy order — breadth-first (Cheney) or depth-first — a mark-sweep
 * collector leaves the allocation order. Divide by the live objects printed at setup for ns per object.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xss16m"})
@State(Scope.Thread)
public class LocalityBench {
    @Param({"marksweep", "copying", "copying:order=depth"})
    public String collector;

    @Param({"tree_td", "random"})
    public String shape;

    @Param({"1000000"})
    public int n;

    SimHeap sim;
    Mutator m;
    long liveObjects;
    long[] stack = new long[1 << 16];

    @Setup(Level.Trial)
    public void setUp() {
        sim = SimHeap.spec(collector, HeapConfig.of(1L << 30));
        m = sim.mutator();
        liveObjects = GraphShapes.build(m, Shape.parse(shape), n);
        sim.collector().collect(GcCause.EXPLICIT); // the collector's order, from here on
        System.out.printf("%n[locality] %s %s n=%d: %,d live objects%n", collector, shape, n, liveObjects);
    }

    @TearDown(Level.Trial)
    public void tearDown() { sim.close(); }

    /** Depth-first from the root, each object once (a visited bit per object would be a write: the walk follows the tree, and for the random graph its root array only). */
    @Benchmark
    public long walk() {
        long root = m.getGlobal(m.global(GraphShapes.ROOT_GLOBAL));
        long sum = 0;
        int sp = 0;
        stack[sp++] = root;
        boolean tree = shape.startsWith("tree");
        while (sp > 0) {
            long obj = stack[--sp];
            sum += obj;
            int slots = m.refSlots(obj);
            if (!tree && obj != root) continue; // random: visit each node once, through the root array
            for (int i = slots - 1; i >= 0; i--) {
                long c = m.getRef(obj, i);
                if (c == 0) continue;
                if (sp == stack.length) stack = java.util.Arrays.copyOf(stack, sp * 2);
                stack[sp++] = c;
            }
        }
        return sum;
    }
}
