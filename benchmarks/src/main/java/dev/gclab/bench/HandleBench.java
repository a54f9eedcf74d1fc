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
 * The C-API proxy mechanisms: a handle created and released ({@link #createRelease}: a borrowed
 * handle's cost per call, the handle table's free list plus the collector's handle hooks, a count
 * increment and decrement under {@code rc}), a handle dereferenced ({@link #deref}) beside the raw
 * pointer an extension would hold instead ({@link #rawAddress}: one array load), the same pair followed
 * by a read of the object's data ({@link #derefRead}, {@link #rawRead}), an object pinned and unpinned
 * by address ({@link #pinUnpin}: the span's pin count and bit, found through the page table) and a
 * buffer window through a handle ({@link #pinWindow}: {@code pinHandle} then {@code unpinHandle}).
 * {@value #OBJECTS} live objects, each with one long-lived handle, walked in turn; nothing is allocated
 * while measuring.
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

    /** The heap's access checks ({@code full}: every access validates its object; {@code fast}: an address range check). */
    @Param({"full"})
    public String checks;

    SimHeap sim;
    Mutator m;
    HeapMemory memory;
    long[] objs;
    int[] handles;
    int i;

    @Setup
    public void setUp() {
        sim = SimHeap.quiet(collector, HeapConfig.of(64L << 20).withChecks(AccessChecks.valueOf(checks.toUpperCase(java.util.Locale.ROOT))));
        m = sim.mutator();
        memory = sim.heap().memory();
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

    /** The baseline of {@link #deref}: the raw pointer an extension holding addresses would load. */
    @Benchmark
    public long rawAddress() {
        return objs[i++ & MASK];
    }

    /** A handle dereferenced, then a word of the object read (its second reference slot). */
    @Benchmark
    public long derefRead() {
        return memory.getLong(m.deref(handles[i++ & MASK]) + 16);
    }

    /** The same word read through a raw pointer. */
    @Benchmark
    public long rawRead() {
        return memory.getLong(objs[i++ & MASK] + 16);
    }

    /** A buffer window through a handle: pinHandle (the raw pointer) then unpinHandle. */
    @Benchmark
    public long pinWindow() {
        int h = handles[i++ & MASK];
        long p = m.pinHandle(h);
        m.unpinHandle(h);
        return p;
    }

    @Benchmark
    public void pinUnpin() {
        long o = objs[i++ & MASK];
        m.pin(o);
        m.unpin(o);
    }
}
