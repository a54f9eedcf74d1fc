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

import java.util.SplittableRandom;
import java.util.concurrent.TimeUnit;

/**
 * What pins cost a moving collector: the {@code random} graph (N = 1e6) with a fraction of its nodes
 * pinned at random (seeded), collected over and over by {@code copying} (a span holding a pinned object
 * is kept in place, its objects marked, not copied, and stays as full or as empty as it was) or by
 * {@code compact} (a span holding a pinned object is never emptied; it receives objects instead).
 * Printed at teardown: spans kept by pins per collection, and the heap's span memory after a collection
 * over the live bytes (1.0 would be perfectly compact).
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xss16m"})
@State(Scope.Thread)
public class PinsBench {
    /** Pinned nodes per 10,000: 0, 0.1 %, 1 %, 10 %. */
    @Param({"0", "10", "100", "1000"})
    public int pinnedPer10k;

    @Param({"1000000"})
    public int n;

    @Param({"copying", "compact"})
    public String collector;

    SimHeap sim;
    long liveObjects;

    @Setup(Level.Trial)
    public void setUp() {
        sim = SimHeap.spec(collector, HeapConfig.of(1L << 30));
        Mutator m = sim.mutator();
        liveObjects = GraphShapes.build(m, Shape.RANDOM, n);
        // Free a third of the nodes first, so the spans are partly empty (as after real churn) and a pin
        // visibly keeps holes: clear every third slot of the root array, then collect.
        long root = m.getGlobal(m.global(GraphShapes.ROOT_GLOBAL));
        for (int i = 0; i < n; i += 3) m.setRef(root, i, 0);
        sim.collector().collect(GcCause.EXPLICIT);
        sim.collector().collect(GcCause.EXPLICIT);
        liveObjects = sim.heap().objectCount();
        SplittableRandom rnd = new SplittableRandom(42);
        root = m.getGlobal(m.global(GraphShapes.ROOT_GLOBAL));
        int pinned = 0;
        for (int i = 0; i < n; i++) {
            long node = m.getRef(root, i);
            if (node != 0 && rnd.nextInt(10_000) < pinnedPer10k) {
                m.pin(node);
                pinned++;
            }
        }
        System.out.printf("%n[pins] %s, %d per 10k: %,d live objects, %,d pinned%n", collector, pinnedPer10k, liveObjects, pinned);
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        var counters = sim.collector().collectorCounters();
        long cycles = sim.collector().stats().cycles();
        long kept = counters.getOrDefault("spans_kept_by_pins", 0L);
        System.out.printf("%n[pins] %s, %d per 10k: %.1f spans kept by pins per collection; span memory / live bytes = %.3f (%,d / %,d)%n",
            collector, pinnedPer10k, (double) kept / cycles, (double) sim.heap().space(0).spanBytes() / sim.heap().inUseBytes(),
            sim.heap().space(0).spanBytes(), sim.heap().inUseBytes());
        sim.close();
    }

    @Benchmark
    public long fullCollection() {
        sim.collector().collect(GcCause.EXPLICIT);
        return sim.heap().inUseBytes();
    }
}
