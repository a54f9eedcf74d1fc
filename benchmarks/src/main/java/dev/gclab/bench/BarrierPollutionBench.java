package dev.gclab.bench;

import dev.gclab.heap.AccessChecks;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
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
 * Why {@code compare} runs each collector in a JVM of its own: {@code setRef} under {@code marksweep},
 * measured in a fresh JVM ({@code others=none}) and in one where {@code rc} and {@code copying} ran the
 * same stores first ({@code others=rc,copying}). The mutator's barrier call site then has seen three
 * collector classes and the JIT can no longer inline one barrier; a result measured that way depends
 * on what ran before it.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class BarrierPollutionBench {
    static final int OBJECTS = 1024;
    private static final int MASK = OBJECTS - 1;

    @Param({"none", "rc,copying"})
    public String others;

    SimHeap sim;
    Mutator m;
    long[] objs;
    int i;

    @Setup
    public void setUp() {
        if (!others.equals("none")) {
            for (String c : others.split(",")) {
                SimHeap other = SimHeap.spec(c, HeapConfig.of(64L << 20).withChecks(AccessChecks.FAST));
                long[] o = build(other.mutator());
                for (int k = 0; k < 2_000_000; k++) other.mutator().setRef(o[k & MASK], k & 1, o[(k * 7 + 1) & MASK]);
                other.close();
            }
        }
        sim = SimHeap.spec("marksweep", HeapConfig.of(64L << 20).withChecks(AccessChecks.FAST));
        m = sim.mutator();
        objs = build(m);
    }

    private static long[] build(Mutator m) {
        int pair = m.layouts().fixed("bench.pair", "rr");
        int root = m.global("bench.objects");
        m.setGlobal(root, m.allocateArray(LayoutRegistry.REF_ARRAY, OBJECTS));
        for (int k = 0; k < OBJECTS; k++) m.setRef(m.getGlobal(root), k, m.allocate(pair));
        long[] objs = new long[OBJECTS];
        for (int k = 0; k < OBJECTS; k++) objs[k] = m.getRef(m.getGlobal(root), k);
        return objs;
    }

    @TearDown
    public void tearDown() { sim.close(); }

    @Benchmark
    public void setRefMarkSweep() {
        int k = i++;
        m.setRef(objs[k & MASK], k & 1, objs[(k * 7 + 1) & MASK]);
    }
}
