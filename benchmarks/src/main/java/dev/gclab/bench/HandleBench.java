package dev.gclab.bench;

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
 * The C-API proxy mechanisms: a handle created and released ({@link #createRelease}: the handle
 * table's free list plus the collector's handle hooks, a count increment and decrement under
 * {@code rc}), a handle dereferenced ({@link #deref}), and an object pinned and unpinned
 * ({@link #pinUnpin}: the span's pin bit, found through the page table). {@value #OBJECTS} live
 * objects, each with one long-lived handle, walked in turn; nothing is allocated while measuring.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class HandleBench {
    static final int OBJECTS = 1024;
    private static final int MASK = OBJECTS - 1;

    @Param({"marksweep", "rc"})
    public String collector;

    SimHeap sim;
    Mutator m;
    long[] objs;
    int[] handles;
    int i;

    @Setup
    public void setUp() {
        sim = SimHeap.quiet(collector, HeapConfig.of(64L << 20));
        m = sim.mutator();
        int pair = m.layouts().fixed("bench.pair", "rr");
        int root = m.global("bench.objects");
        m.setGlobal(root, m.allocateArray(LayoutRegistry.REF_ARRAY, OBJECTS));
        objs = new long[OBJECTS];
        handles = new int[OBJECTS];
        for (int k = 0; k < OBJECTS; k++) {
            m.setRef(m.getGlobal(root), k, m.allocate(pair));
            objs[k] = m.getRef(m.getGlobal(root), k);
            handles[k] = m.newHandle(objs[k]);
        }
    }

    @TearDown
    public void tearDown() {
        for (int k = 0; k < OBJECTS; k++) {
            if (m.deref(handles[k]) != objs[k]) throw new IllegalStateException("handle " + handles[k] + " drifted");
        }
        sim.close();
    }

    @Benchmark
    public int createRelease() {
        int h = m.newHandle(objs[i++ & MASK]);
        m.releaseHandle(h);
        return h;
    }

    @Benchmark
    public long deref() {
        return m.deref(handles[i++ & MASK]);
    }

    @Benchmark
    public void pinUnpin() {
        long o = objs[i++ & MASK];
        m.pin(o);
        m.unpin(o);
    }
}
