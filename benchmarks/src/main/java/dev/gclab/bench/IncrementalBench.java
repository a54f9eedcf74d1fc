package dev.gclab.bench;

import dev.gclab.gc.plan.incremental.IncrementalCollector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.HeapConfig;
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
 * incremental's marking step against marksweep's full mark, on the same live portable graph (seed
 * 12345): {@link #markStep} is one {@code incrementalStep(10,000)} of a cycle marking the graph (ns per
 * object = score / 10,000; about one step in n / 10,000 also ends the cycle, its final pause included);
 * {@link #markSweepFullCollection} is one stop-the-world marksweep collection of the same graph (ns per
 * object = score / the live objects printed at setup; its sweep included). The target: the
 * step within 20 % of the full mark per object. Each configuration runs in a JVM of its own.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MICROSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xss16m"})
public class IncrementalBench {
    /** Objects scanned by one marking step. */
    public static final long STEP = 10_000;

    /** The graph under the incremental collector (SATB), kept marking: each invocation starts from a cycle in its marking. */
    @State(Scope.Thread)
    public static class Marking {
        @Param({"random", "tree_td"})
        public String shape;
        @Param({"1000000"})
        public int n;

        SimHeap sim;
        IncrementalCollector gc;
        long liveObjects;

        @Setup(Level.Trial)
        public void setUp() {
            sim = SimHeap.spec("incremental:barrier=satb", HeapConfig.of(1L << 30));
            gc = (IncrementalCollector) sim.collector();
            liveObjects = GraphShapes.build(sim.mutator(), Shape.parse(shape), n);
            gc.collect(GcCause.EXPLICIT);
            if (sim.heap().objectCount() != liveObjects) throw new IllegalStateException("graph " + shape + ": " + sim.heap().objectCount() + " survive, built " + liveObjects);
            System.out.printf("%n[incremental] %s n=%d: %,d live objects, steps of %,d%n", shape, n, liveObjects, STEP);
        }

        /** Finishes a sweep and starts the next cycle (its initial pause) when the last step ended one: not measured. */
        @Setup(Level.Invocation)
        public void marking() {
            while (!gc.isMarking()) gc.incrementalStep(Long.MAX_VALUE);
        }

        @TearDown(Level.Trial)
        public void tearDown() { sim.close(); }
    }

    /** The same graph under marksweep. */
    @State(Scope.Thread)
    public static class Full {
        @Param({"random", "tree_td"})
        public String shape;
        @Param({"1000000"})
        public int n;

        SimHeap sim;

        @Setup(Level.Trial)
        public void setUp() {
            sim = SimHeap.markSweep(HeapConfig.of(1L << 30), CollectorOptions.defaults().withMinTrigger(SimHeap.NEVER));
            long live = GraphShapes.build(sim.mutator(), Shape.parse(shape), n);
            sim.collector().collect(GcCause.EXPLICIT);
            System.out.printf("%n[marksweep] %s n=%d: %,d live objects%n", shape, n, live);
        }

        @TearDown(Level.Trial)
        public void tearDown() { sim.close(); }
    }

    @Benchmark
    public boolean markStep(Marking s) { return s.gc.incrementalStep(STEP); }

    @Benchmark
    public long markSweepFullCollection(Full s) {
        s.sim.collector().collect(GcCause.EXPLICIT);
        return s.sim.heap().inUseBytes();
    }
}
