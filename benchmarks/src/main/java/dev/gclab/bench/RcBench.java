package dev.gclab.bench;

import dev.gclab.gc.plan.rc.RcCollector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.workloads.graph.GraphShapes;
import dev.gclab.workloads.graph.Shape;
import org.openjdk.jmh.annotations.*;

import java.util.Map;
import java.util.concurrent.TimeUnit;

/**
 * The reference-counting collector's mechanisms, each on its own (issue 3's targets):
 * <ul>
 *   <li>{@link #incrementDecrement}: the count barrier alone (one increment and one decrement, the
 *       counts never reaching zero), called as the mutator calls it after a store;</li>
 *   <li>{@link #dropTree}: freeing a dropped complete binary tree ({@code tree_td}, N = 1e6: 2^20 - 1
 *       objects) by count (one shot per fresh tree);</li>
 *   <li>{@link #detectGarbageCycles}: the cycle detector on N = 1e6 objects of garbage cycles
 *       ({@code cyc2}, {@code cyc10}, {@code ring}), freeing them (one shot per fresh graph);</li>
 *   <li>{@link #fullPassLiveRandom}: a full detector pass over the live {@code random} graph;</li>
 *   <li>{@link #youngCollection}: a generation-0 collection of 700 new objects, each pointing at an
 *       old object, with the 1e6-object {@code random} graph in the oldest generation.</li>
 * </ul>
 * Automatic detection is off (thresholds 0) so that only the measured operation collects.
 */
public class RcBench {
    static SimHeap rc(long heapBytes) {
        return SimHeap.of("rc", HeapConfig.of(heapBytes), new CollectorOptions(2.0, 4 << 20, false, Map.of("thresholds", "0")));
    }

    @State(Scope.Thread)
    public static class Barrier {
        SimHeap sim;
        RcCollector rc;
        long a, b, slot;

        @Setup(Level.Trial)
        public void setUp() {
            sim = rc(64L << 20);
            rc = (RcCollector) sim.collector();
            Mutator m = sim.mutator();
            int node = sim.heap().layouts().fixed("Node", "rr");
            a = m.allocate(node);
            m.setGlobal(m.global("a"), a);
            m.setGlobal(m.global("a again"), a); // count 2: the decrement of a never reaches zero
            b = m.allocate(node);
            m.setGlobal(m.global("b"), b);
            slot = a + 8;
        }

        @TearDown(Level.Trial)
        public void tearDown() {
            if (rc.refCount(a) != 2 || rc.refCount(b) != 1) throw new IllegalStateException("counts drifted");
            sim.close();
        }
    }

    /** Two increment/decrement pairs per operation; counts swing between 1 and 2, nothing dies. */
    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.NANOSECONDS)
    @Warmup(iterations = 3, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(1)
    public void incrementDecrement(Barrier s) {
        s.rc.writeBarrier(s.a, s.slot, s.a, s.b);
        s.rc.writeBarrier(s.a, s.slot, s.b, s.a);
    }

    @State(Scope.Thread)
    public static class Tree {
        @Param({"1000000"})
        public int n;
        SimHeap sim;
        int root;
        long objects;

        @Setup(Level.Invocation)
        public void setUp() {
            sim = rc(256L << 20);
            objects = GraphShapes.build(sim.mutator(), Shape.parse("tree_td"), n);
            root = sim.mutator().global(GraphShapes.ROOT_GLOBAL);
        }

        @TearDown(Level.Invocation)
        public void tearDown() {
            if (sim.heap().objectCount() != 0) throw new IllegalStateException(sim.heap().objectCount() + " objects survived the drop");
            sim.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3)
    @Measurement(iterations = 10)
    @Fork(value = 1, jvmArgsAppend = "-Xss16m")
    public void dropTree(Tree s) {
        s.sim.mutator().setGlobal(s.root, 0);
    }

    @State(Scope.Thread)
    public static class Cycles {
        @Param({"cyc2", "cyc10", "ring"})
        public String shape;
        @Param({"1000000"})
        public int n;
        SimHeap sim;
        RcCollector rc;
        long objects;

        @Setup(Level.Invocation)
        public void setUp() {
            sim = rc(512L << 20);
            rc = (RcCollector) sim.collector();
            objects = GraphShapes.build(sim.mutator(), Shape.parse(shape), n);
        }

        @TearDown(Level.Invocation)
        public void tearDown() {
            if (sim.heap().objectCount() != 0) throw new IllegalStateException(sim.heap().objectCount() + " garbage objects survived");
            sim.close();
        }
    }

    @Benchmark
    @BenchmarkMode(Mode.SingleShotTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 3)
    @Measurement(iterations = 10)
    @Fork(value = 1, jvmArgsAppend = "-Xss16m")
    public long detectGarbageCycles(Cycles s) {
        return s.rc.collectGeneration(2, GcCause.EXPLICIT);
    }

    @State(Scope.Thread)
    public static class Live {
        @Param({"1000000"})
        public int n;
        SimHeap sim;
        RcCollector rc;
        long objects;
        long young;
        int youngGlobal;
        long[] olds;

        @Setup(Level.Trial)
        public void setUp() {
            sim = rc(512L << 20);
            rc = (RcCollector) sim.collector();
            objects = GraphShapes.build(sim.mutator(), Shape.parse("random"), n);
            rc.collectGeneration(2, GcCause.EXPLICIT);
            Mutator m = sim.mutator();
            youngGlobal = m.global("young");
            long rootArray = m.getGlobal(m.global(GraphShapes.ROOT_GLOBAL));
            olds = new long[700];
            for (int i = 0; i < 700; i++) olds[i] = m.getRef(rootArray, (int) ((i * 1429L) % n));
            System.out.printf("%n[rc] random: %,d objects in generation 2%n", objects);
        }

        /** 700 new objects, held by a new array, each pointing at an old object. */
        void makeYoung() {
            Mutator m = sim.mutator();
            int node = sim.heap().layouts().fixed("node2", "rr");
            m.setGlobal(youngGlobal, m.allocateArray(LayoutRegistry.REF_ARRAY, 700));
            for (int i = 0; i < 700; i++) {
                long o = m.allocate(node);
                m.setRef(m.getGlobal(youngGlobal), i, o);
                m.setRef(o, 0, olds[i]);
            }
        }

        @TearDown(Level.Trial)
        public void tearDown() { sim.close(); }
    }

    @Benchmark
    @BenchmarkMode(Mode.AverageTime)
    @OutputTimeUnit(TimeUnit.MILLISECONDS)
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(value = 1, jvmArgsAppend = "-Xss16m")
    public long fullPassLiveRandom(Live s) {
        return s.rc.collectGeneration(2, GcCause.EXPLICIT);
    }

    @State(Scope.Thread)
    public static class Young extends Live {
        @Setup(Level.Invocation)
        public void young() { makeYoung(); }
    }

    @Benchmark
    @BenchmarkMode(Mode.SampleTime)
    @OutputTimeUnit(TimeUnit.MICROSECONDS)
    @Warmup(iterations = 2, time = 1)
    @Measurement(iterations = 5, time = 1)
    @Fork(value = 1, jvmArgsAppend = "-Xss16m")
    public long youngCollection(Young s) {
        return s.rc.collectGeneration(0, GcCause.EXPLICIT);
    }
}
