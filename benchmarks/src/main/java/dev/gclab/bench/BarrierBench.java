package dev.gclab.bench;

import dev.gclab.heap.AccessChecks;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.LayoutRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
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
 * A reference store between existing objects through {@link Mutator#setRef}: the access checks
 * ({@code FULL}: span lookup and alloc bit of the object and of the value; {@code FAST}: range,
 * alignment and header only) plus the collector's write barrier: none for {@code marksweep}, a
 * count increment and decrement for {@code rc} (its counts never reach zero here: every object is
 * also held by the root array), and {@code incremental}'s outside a cycle (one flag test: no cycle
 * starts here). {@link #rawStore} writes the same slots straight into memory: the floor that the checks
 * and the barrier call add to.
 *
 * <p>{@value #OBJECTS} objects (about 24 KiB, in L1/L2) are kept live by a root array; the store
 * pattern walks them so that consecutive stores hit different objects. Nothing is allocated while
 * measuring, and neither collector moves objects, so the addresses kept in a Java array stay valid.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class BarrierBench {
    static final int OBJECTS = 1024;
    private static final int MASK = OBJECTS - 1;

    /** The objects under one check level and one collector (and so one barrier kind). */
    public abstract static class Objects {
        SimHeap sim;
        Mutator m;
        HeapMemory memory;
        long[] objs;
        int i;

        void build(AccessChecks checks, String collector) {
            sim = SimHeap.spec(collector, HeapConfig.of(64L << 20).withChecks(checks)); // run only when asked
            m = sim.mutator();
            memory = sim.heap().memory();
            int pair = m.layouts().fixed("bench.pair", "rr");
            int root = m.global("bench.objects");
            m.setGlobal(root, m.allocateArray(LayoutRegistry.REF_ARRAY, OBJECTS));
            for (int k = 0; k < OBJECTS; k++) m.setRef(m.getGlobal(root), k, m.allocate(pair));
            objs = new long[OBJECTS];
            for (int k = 0; k < OBJECTS; k++) objs[k] = m.getRef(m.getGlobal(root), k);
        }

        @TearDown
        public void tearDown() { sim.close(); }
    }

    @State(Scope.Thread)
    public static class Store extends Objects {
        @Param({"FULL", "FAST"})
        public AccessChecks checks;
        @Param({"marksweep", "rc", "incremental:barrier=satb"})
        public String collector;

        @Setup
        public void setUp() { build(checks, collector); }
    }

    @State(Scope.Thread)
    public static class Floor extends Objects {
        @Param({"FULL", "FAST"})
        public AccessChecks checks;

        @Setup
        public void setUp() { build(checks, "marksweep"); }
    }

    @Benchmark
    public void setRef(Store s) {
        int k = s.i++;
        long[] objs = s.objs;
        s.m.setRef(objs[k & MASK], k & 1, objs[(k * 7 + 1) & MASK]);
    }

    @Benchmark
    public void rawStore(Floor s) {
        int k = s.i++;
        long[] objs = s.objs;
        // word k&1 of the object: what setRef writes, without checks or barrier
        s.memory.setLong(objs[k & MASK] + 8 + ((k & 1) << 3), objs[(k * 7 + 1) & MASK]);
    }
}
