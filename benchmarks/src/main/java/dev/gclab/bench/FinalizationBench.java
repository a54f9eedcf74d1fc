package dev.gclab.bench;

import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.finalize.Finalizer;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The finalization service's per-object costs, in batches of {@value #BATCH} fresh objects per
 * invocation (set up and torn down untimed, so every operation meets a new object, as in a program):
 * <ul>
 *   <li>{@link #registerFinalizer}: a PEP 442 finalizer attached to a live object;</li>
 *   <li>{@link #weakRefCreate}: a weak reference created to a live object (the weakref object is
 *       allocated) and stored into a root array that keeps it alive;</li>
 *   <li>{@link #weakRefClear}: the referents of {@value #BATCH} live weak references die and the
 *       collector clears them: under {@code marksweep} the timed part is a full collection (which
 *       also marks the {@value #BATCH} weakrefs and sweeps), under {@code rc} it is dropping the
 *       referents' array, which frees them by count; per weak reference.</li>
 * </ul>
 * Each batch is dropped and collected after it is measured, finalizers running then.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class FinalizationBench {
    static final int BATCH = 4096;
    private static final Finalizer NOTHING = obj -> { };

    @State(Scope.Thread)
    public static class Batch {
        @Param({"marksweep", "rc"})
        public String collector;

        SimHeap sim;
        Mutator m;
        Finalization fin;
        int node, referentsRoot, weakrefsRoot;
        final long[] objs = new long[BATCH];

        @Setup(Level.Trial)
        public void setUp() {
            sim = SimHeap.quiet(collector, HeapConfig.of(256L << 20));
            m = sim.mutator();
            fin = sim.collector().finalization();
            node = m.layouts().fixed("bench.pair", "rr");
            referentsRoot = m.global("bench.referents");
            weakrefsRoot = m.global("bench.weakrefs");
        }

        /** {@value #BATCH} new objects, held by a root array (and their addresses in {@link #objs}). */
        @Setup(Level.Invocation)
        public void freshObjects() {
            m.setGlobal(referentsRoot, m.allocateArray(LayoutRegistry.REF_ARRAY, BATCH));
            m.setGlobal(weakrefsRoot, m.allocateArray(LayoutRegistry.REF_ARRAY, BATCH));
            for (int k = 0; k < BATCH; k++) m.setRef(m.getGlobal(referentsRoot), k, m.allocate(node));
            for (int k = 0; k < BATCH; k++) objs[k] = m.getRef(m.getGlobal(referentsRoot), k);
        }

        @TearDown(Level.Invocation)
        public void dropAndCollect() {
            m.setGlobal(referentsRoot, 0);
            m.setGlobal(weakrefsRoot, 0);
            sim.collector().collect(GcCause.EXPLICIT);
            sim.collector().collect(GcCause.EXPLICIT); // what finalizers kept for one cycle
        }

        @TearDown(Level.Trial)
        public void tearDown() { sim.close(); }
    }

    /** A batch whose referents already have weak references, kept alive by a root array. */
    @State(Scope.Thread)
    public static class WeakBatch extends Batch {
        @Setup(Level.Invocation)
        public void weakRefs() {
            for (int k = 0; k < BATCH; k++) m.setRef(m.getGlobal(weakrefsRoot), k, fin.newWeakRef(m, objs[k], null));
        }
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void registerFinalizer(Batch s) {
        Finalization fin = s.fin;
        long[] objs = s.objs;
        for (int k = 0; k < BATCH; k++) fin.registerFinalizer(objs[k], NOTHING);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void weakRefCreate(Batch s) {
        Mutator m = s.m;
        Finalization fin = s.fin;
        long[] objs = s.objs;
        long weakrefs = m.getGlobal(s.weakrefsRoot);
        for (int k = 0; k < BATCH; k++) m.setRef(weakrefs, k, fin.newWeakRef(m, objs[k], null));
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public void weakRefClear(WeakBatch s) {
        s.m.setGlobal(s.referentsRoot, 0);
        if (!s.collector.equals("rc")) s.sim.collector().collect(GcCause.EXPLICIT);
    }
}
