package dev.gclab.bench;

import dev.gclab.gc.spi.CollectorOptions;
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
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * Allocation: one {@code "rr"} object (two reference slots, 24 bytes) per operation, dropped at once;
 * {@link #allocateArray} a {@code ref[]} of {@value #ARRAY_LENGTH} and {@link #allocateLarge} a
 * {@code long[]} of {@value #LARGE_LENGTH} (64 KiB: a large object, a span of its own, zeroed).
 *
 * <p>{@link #allocate}: the collector runs as in any program (default options: a collection whenever
 * 4 MiB were allocated), so the cost of collections (nothing live: mark the roots, sweep the spans)
 * is spread over the allocations inside the measurement. {@link #allocateNoGc}: the same path with a
 * trigger no invocation reaches; each invocation allocates a batch of {@value #BATCH} objects into a
 * heap emptied beforehand by a collection in the per-invocation setup (untimed), so the measured part
 * is allocation alone. In both the heap's memory was used before, so every slot is zeroed as it is
 * handed out, as after any sweep.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class AllocationBench {
    static final int BATCH = 1 << 16;
    static final int ARRAY_LENGTH = 16;
    static final int LARGE_LENGTH = 8192;

    /** Collections run inside the measurement. */
    @State(Scope.Thread)
    public static class WithGc {
        SimHeap sim;
        Mutator m;
        int pair;

        @Setup(Level.Trial)
        public void setUp() {
            sim = SimHeap.markSweep(HeapConfig.of(256L << 20), CollectorOptions.defaults());
            m = sim.mutator();
            pair = m.layouts().fixed("bench.pair", "rr");
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            System.out.printf("%n[allocate with GC] %,d collections for %,d allocations%n",
                sim.collector().stats().cycles(), sim.heap().counters().allocations);
            sim.close();
        }
    }

    /** No collection inside an invocation; the heap is emptied before each one. */
    @State(Scope.Thread)
    public static class NoGc {
        SimHeap sim;
        Mutator m;
        int pair;

        @Setup(Level.Trial)
        public void setUp() {
            sim = SimHeap.markSweep(HeapConfig.of(256L << 20), CollectorOptions.defaults().withMinTrigger(SimHeap.NEVER));
            m = sim.mutator();
            pair = m.layouts().fixed("bench.pair", "rr");
        }

        @Setup(Level.Invocation)
        public void empty() { sim.collector().collect(GcCause.EXPLICIT); }

        @TearDown(Level.Trial)
        public void tearDown() {
            long cycles = sim.collector().stats().cycles();
            long allocs = sim.heap().counters().allocations;
            System.out.printf("%n[allocateNoGc] %,d explicit collections between batches, %,d allocations (%,d per batch)%n",
                cycles, allocs, BATCH);
            sim.close();
        }
    }

    @Benchmark
    public long allocate(WithGc s) {
        return s.m.allocate(s.pair);
    }

    /** A small reference array, collections included. */
    @Benchmark
    public long allocateArray(WithGc s) {
        return s.m.allocateArray(LayoutRegistry.REF_ARRAY, ARRAY_LENGTH);
    }

    /** A large object (a 64 KiB span of its own), collections included. */
    @Benchmark
    public long allocateLarge(WithGc s) {
        return s.m.allocateArray(LayoutRegistry.LONG_ARRAY, LARGE_LENGTH);
    }

    @Benchmark
    @OperationsPerInvocation(BATCH)
    public long allocateNoGc(NoGc s) {
        Mutator m = s.m;
        int pair = s.pair;
        long acc = 0;
        for (int i = 0; i < BATCH; i++) acc ^= m.allocate(pair);
        return acc;
    }
}
