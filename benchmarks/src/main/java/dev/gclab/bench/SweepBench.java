package dev.gclab.bench;

import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.gc.policy.MarkSpace;
import dev.gclab.gc.trace.Sweeper;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.MarkBits;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.span.SizeClasses;
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
 * Sweeping spans whose objects are all live or all dead, per span.
 *
 * <p>The heap holds only {@value #SPANS} full one-page spans of 24-byte objects (341 each). Before
 * each invocation (untimed, {@link Level#Invocation}): if a previous sweep freed the spans, they are
 * filled again; then every object is marked ({@code live}) or none ({@code dead}) with the collector's
 * {@link MarkSpace}. The invocation is one {@link Sweeper#sweepAll()}, reported per span: with side mark
 * bits the per-span bitmap swap (and, for dead spans, returning the span's page to the page heap);
 * with header marks also the visit of every allocated object's header.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
@State(Scope.Thread)
public class SweepBench {
    static final int SPANS = 1024;

    @Param({"live", "dead"})
    public String objects;

    @Param({"SIDE", "HEADER"})
    public MarkBits markBits;

    SimHeap sim;
    Heap heap;
    Mutator m;
    MarkSpace marks;
    Sweeper sweeper;
    int pair;
    int perSpan;
    long[] addresses;

    @Setup(Level.Trial)
    public void setUp() {
        if (!objects.equals("live") && !objects.equals("dead")) throw new IllegalArgumentException("objects: live or dead, not " + objects);
        sim = SimHeap.markSweep(HeapConfig.of(256L << 20).withMarkBits(markBits), CollectorOptions.defaults().withMinTrigger(SimHeap.NEVER));
        heap = sim.heap();
        m = sim.mutator();
        marks = new MarkSpace(heap);
        sweeper = new Sweeper(heap);
        pair = m.layouts().fixed("bench.pair", "rr");
        perSpan = SizeClasses.objectsPerSpan(SizeClasses.classOf(m.layouts().fixedSize(pair)));
        addresses = new long[SPANS * perSpan];
    }

    @Setup(Level.Invocation)
    public void prepare() {
        if (heap.spanCount() == 0) {
            // Nothing is rooted and no collection runs here: the addresses stay valid until the sweep.
            for (int i = 0; i < addresses.length; i++) addresses[i] = m.allocate(pair);
        }
        if (heap.spanCount() != SPANS || heap.objectCount() != addresses.length) {
            throw new IllegalStateException("expected " + SPANS + " full spans, have " + heap.spanCount() + " spans, " + heap.objectCount() + " objects");
        }
        if (objects.equals("live")) {
            for (long a : addresses) marks.setMark(a); // the objects' slots are null: nothing to trace
        }
    }

    @TearDown(Level.Trial)
    public void tearDown() {
        sim.collector().collect(GcCause.EXPLICIT);
        sim.close();
    }

    @Benchmark
    @OperationsPerInvocation(SPANS)
    public long sweep() {
        return sweeper.sweepAll();
    }
}
