package dev.gclab.bench;

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
 * One full collection of a live portable graph under each tracing collector, the same graph for all
 * (seed 12345): marking it in place ({@code marksweep}) or copying it ({@code copying}, Cheney's
 * breadth-first order or depth-first). Nothing is freed; a copying collection moves every object each
 * time. Divide the time by the live objects printed at setup for ns per object. Each configuration runs
 * in a JVM of its own (a JMH fork), so no collector's code profile bends another's.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.MILLISECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(value = 1, jvmArgsAppend = {"-Xss16m"})
@State(Scope.Thread)
public class CollectionBench {
    @Param({"marksweep", "copying", "copying:order=depth"})
    public String collector;

    @Param({"random", "tree_td"})
    public String shape;

    @Param({"1000000"})
    public int n;

    SimHeap sim;
    long liveObjects;

    @Setup(Level.Trial)
    public void setUp() {
        sim = SimHeap.spec(collector, HeapConfig.of(1L << 30));
        liveObjects = GraphShapes.build(sim.mutator(), Shape.parse(shape), n);
        sim.collector().collect(GcCause.EXPLICIT);
        if (sim.heap().objectCount() != liveObjects) {
            throw new IllegalStateException("graph " + shape + ": " + sim.heap().objectCount() + " objects survive, built " + liveObjects);
        }
        System.out.printf("%n[collection] %s %s n=%d: %,d live objects, %,d bytes in %d spans%n",
            collector, shape, n, liveObjects, sim.heap().inUseBytes(), sim.heap().spanCount());
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
