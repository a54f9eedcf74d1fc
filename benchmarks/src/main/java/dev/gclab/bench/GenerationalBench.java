package dev.gclab.bench;

import dev.gclab.gc.plan.generational.GenerationalCollector;
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
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

import java.util.concurrent.TimeUnit;

/**
 * The generational collector's two costs: the write barrier on the mutator, and a minor collection per
 * surviving object.
 *
 * <p>{@link #setRef}: a reference store through {@link Mutator#setRef} (full access checks, as
 * {@code BarrierBench}) between {@value #OBJECTS} old objects and {@value #OBJECTS} young ones, by the
 * kind of edge it makes: old→old and young→young are filtered by the fast path, old→young takes the
 * slow path every time (a card already dirty, an object already logged, a slot appended to the store
 * buffer again: duplicates are dropped when the buffer fills). {@code marksweep} (no barrier) is the
 * baseline, measured in this class with the same settings; its "old" and "young" objects are alike.
 * Nothing is allocated while measuring, so no collection moves the objects whose addresses are kept.
 *
 * <p>{@link #minorCollection}: one minor collection of a 4 MiB nursery filled with 48-byte nodes, of
 * which every 100th, 10th or 2nd (1, 10, 50 % survival) is linked into a chain from a global root (so
 * survivors are found by the trace, not the remembered set). Divide by the survivors printed at setup
 * for ns per surviving object. The copying nursery ({@code cards}: promotion into the old space) beside
 * the sticky variant (marking in place and a sweep that keeps marks). Each shot refills the nursery
 * (setup, not measured); a major collection in the setup reclaims the promoted chains now and then.
 */
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 1)
@Measurement(iterations = 5, time = 1)
@Fork(1)
public class GenerationalBench {
    static final int OBJECTS = 1024;
    private static final int MASK = OBJECTS - 1;

    /** Old and young objects under one barrier. */
    @State(Scope.Thread)
    public static class Edges {
        @Param({"marksweep", "cards", "object", "ssb", "sticky"})
        public String barrier;
        @Param({"OLD_OLD", "OLD_YOUNG", "YOUNG_YOUNG"})
        public String edge;

        SimHeap sim;
        Mutator m;
        long[] from, to;
        int i;

        @Setup(Level.Trial)
        public void setUp() {
            String spec = switch (barrier) {
                case "marksweep" -> "marksweep";
                case "sticky" -> "generational:nursery=sticky";
                default -> "generational:barrier=" + barrier;
            };
            sim = SimHeap.spec(spec, HeapConfig.of(64L << 20));
            m = sim.mutator();
            int pair = m.layouts().fixed("bench.pair", "rr");
            int oldRoot = m.global("bench.old"), youngRoot = m.global("bench.young");
            m.setGlobal(oldRoot, m.allocateArray(LayoutRegistry.REF_ARRAY, OBJECTS));
            m.setGlobal(youngRoot, m.allocateArray(LayoutRegistry.REF_ARRAY, OBJECTS));
            for (int k = 0; k < OBJECTS; k++) m.setRef(m.getGlobal(oldRoot), k, m.allocate(pair));
            sim.collector().collectYoung(GcCause.EXPLICIT); // the arrays and the first objects are old now
            for (int k = 0; k < OBJECTS; k++) m.setRef(m.getGlobal(youngRoot), k, m.allocate(pair));
            long[] olds = new long[OBJECTS], youngs = new long[OBJECTS];
            for (int k = 0; k < OBJECTS; k++) {
                olds[k] = m.getRef(m.getGlobal(oldRoot), k);
                youngs[k] = m.getRef(m.getGlobal(youngRoot), k);
            }
            from = edge.startsWith("OLD") ? olds : youngs;
            to = edge.endsWith("_OLD") ? olds : youngs;
            if (sim.collector() instanceof GenerationalCollector g && g.nurserySpace() != null) {
                if (g.nurserySpace().contains(olds[0]) || !g.nurserySpace().contains(youngs[0])) throw new IllegalStateException("old/young objects are not where expected");
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() { sim.close(); }
    }

    @Benchmark
    public void setRef(Edges s) {
        int k = s.i++;
        s.m.setRef(s.from[k & MASK], k & 1, s.to[(k * 7 + 1) & MASK]);
    }

    /** A nursery filled for one minor collection. */
    @State(Scope.Thread)
    public static class Nursery {
        @Param({"cards", "sticky"})
        public String variant;
        @Param({"1", "10", "50"})
        public int survivalPercent;

        SimHeap sim;
        GenerationalCollector gen;
        Mutator m;
        int node, chain;
        long survivors;

        @Setup(Level.Trial)
        public void setUp() {
            sim = SimHeap.spec(variant.equals("sticky") ? "generational:nursery=sticky:budget=4m" : "generational:barrier=" + variant + ":nursery=4m",
                HeapConfig.of(256L << 20));
            gen = (GenerationalCollector) sim.collector();
            m = sim.mutator();
            node = m.layouts().fixed("bench.node", "rrdd");
            chain = m.global("bench.chain");
            m.pushFrame(1);
            fill();
            System.out.printf("%n[minor] %s %d%%: %,d survivors of %,d objects in a %,d-byte nursery%n", variant, survivalPercent,
                survivors, sim.heap().counters().allocations, gen.nurseryBudgetBytes());
        }

        /** Allocates the nursery's budget (less a margin, so no collection runs) of nodes, every k-th one linked into the chain. */
        void fill() {
            m.setGlobal(chain, 0);
            if (sim.heap().inUseBytes() > (32L << 20)) sim.collector().collect(GcCause.EXPLICIT); // drop the chains promoted so far
            sim.collector().collectYoung(GcCause.EXPLICIT); // start from an empty nursery
            long stop = sim.heap().collectionTrigger() - (64L << 10);
            int every = 100 / survivalPercent;
            long count = 0;
            survivors = 0;
            m.setLocal(0, 0);
            while (sim.heap().inUseBytes() < stop) {
                long o = m.allocate(node);
                if (count++ % every == 0) {
                    long prev = m.local(0);
                    if (prev == 0) m.setGlobal(chain, o);
                    else m.setRef(prev, 0, o);
                    m.setLocal(0, o);
                    survivors++;
                }
            }
            m.setLocal(0, 0);
        }

        @Setup(Level.Invocation)
        public void refill() { fill(); }

        @TearDown(Level.Trial)
        public void tearDown() { sim.close(); }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 20)
    @Measurement(iterations = 30)
    public long minorCollection(Nursery n) {
        n.gen.collectYoung(GcCause.EXPLICIT);
        return n.sim.heap().inUseBytes();
    }
}
