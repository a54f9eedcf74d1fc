package dev.gclab.bench;

import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.MarkBits;
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
 * A full mark-sweep collection of a live portable graph ({@link GraphShapes}, seed 12345): the
 * graph is built once per trial and every operation is one stop-the-world collection that marks all
 * of it and sweeps its spans (nothing is freed). Divide the time per operation by the live objects
 * printed at setup (N + 1 for random, 2^(d+1) - 1 for the trees) for ns per live object, the figure
 * the anchors quote. {@code markBits} chooses side bitmaps or header mark bits.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xss16m"})
@State(Scope.Thread)
public class MarkSweepBench {
    @Param({"random", "tree_td"})
    public String shape;

    @Param({"1000000"})
    public int n;

    @Param({"SIDE", "HEADER"})
    public MarkBits markBits;

    SimHeap sim;
    long liveObjects;

    @Setup(Level.Trial)
    public void setUp() {
        sim = SimHeap.markSweep(HeapConfig.of(512L << 20).withMarkBits(markBits), CollectorOptions.defaults().withMinTrigger(SimHeap.NEVER));
        liveObjects = GraphShapes.build(sim.mutator(), Shape.parse(shape), n);
        sim.collector().collect(GcCause.EXPLICIT);
        if (sim.heap().objectCount() != liveObjects) {
            throw new IllegalStateException("graph " + shape + ": " + sim.heap().objectCount() + " objects survive, built " + liveObjects);
        }
        System.out.printf("%n[markSweep] %s n=%d markBits=%s: %,d live objects, %,d bytes in %d spans%n",
            shape, n, markBits, liveObjects, sim.heap().inUseBytes(), sim.heap().spanCount());
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        if (sim.heap().objectCount() != liveObjects) throw new IllegalStateException("the graph changed while measuring");
        sim.close();
    }

    @Benchmark
    public long fullCollection() {
        sim.collector().collect(GcCause.EXPLICIT);
        return sim.heap().inUseBytes();
    }
}
