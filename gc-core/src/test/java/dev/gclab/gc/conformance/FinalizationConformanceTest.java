package dev.gclab.gc.conformance;

import dev.gclab.gc.finalize.FinalizeHandle;
import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.finalize.FinalizerOrder;
import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The conformance kit for finalizers (PEP 442) and weak references: every registered collector runs
 * every test. Rules that differ by collector are stated where they are tested:
 * <ul>
 *   <li><b>when objects die</b>: rc frees an object the moment its count reaches zero (finalizer,
 *       callbacks, then children, synchronously); tracing collectors and rc's cycle detector free
 *       garbage at a collection, where all weak-reference callbacks run before all finalizers;</li>
 *   <li><b>list order of finalizers</b>: rc runs them in the order of CPython's unreachable list
 *       (allocation order for young objects); a tracing collector in registration order;</li>
 *   <li><b>garbage made by a finalizer</b>: under rc it is young and unrelated to the collection that
 *       ran the finalizer (CPython), so a later collection frees it; a tracing collector re-marks
 *       after finalizers, so it may already free it in the same collection. Both free it by the
 *       second collection.</li>
 * </ul>
 * Everything else — once-only finalization, resurrection, which weak references are cleared and
 * which callbacks run, newest-first order, exceptions, {@code withFinalizer}, legacy finalizers,
 * finalizer order knobs — is the same rule for all.
 */
class FinalizationConformanceTest {
    private Heap heap;
    private Collector collector;
    private Mutator m;
    private Finalization fin;
    private int node;
    private final List<String> events = new ArrayList<>();
    private final Map<Long, String> names = new HashMap<>();

    static Stream<String> collectors() { return CollectorRegistry.all().stream().map(p -> p.name()); }

    private void start(String name) {
        heap = new Heap(HeapConfig.of(32L << 20));
        collector = CollectorRegistry.byName(name).create(heap, CollectorOptions.defaults().withVerify(true));
        m = new Mutator(heap, collector);
        fin = collector.finalization();
        fin.setUnraisableHook((where, e) -> events.add("unraisable:" + e.getMessage()));
        node = heap.layouts().fixed("Node", "rr");
    }

    @AfterEach
    void close() {
        if (heap != null) heap.close();
    }

    private long obj(String name) {
        long o = m.allocate(node);
        names.put(o, name);
        return o;
    }

    /** A garbage 2-cycle a <-> b built in a frame and dropped; returns {a, b}. */
    private long[] cycle() {
        m.pushFrame(2);
        long a = obj("a");
        m.setLocal(0, a);
        long b = obj("b");
        m.setLocal(1, b);
        m.setRef(a, 0, b);
        m.setRef(b, 0, a);
        return new long[] {a, b};
    }

    private void finalizer(long o) { fin.registerFinalizer(o, x -> events.add("F(" + names.get(x) + ")")); }

    private void collect() { collector.collect(GcCause.EXPLICIT); }

    @ParameterizedTest
    @MethodSource("collectors")
    void twoCycleIsCollected(String c) {
        start(c);
        long[] ab = cycle();
        m.popFrame();
        collect();
        assertFalse(heap.isObject(ab[0]) || heap.isObject(ab[1]));
        assertEquals(0, heap.objectCount());
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void cycleWithFinalizerIsCollectedAndFinalizedOnce(String c) {
        start(c);
        long[] ab = cycle();
        finalizer(ab[0]);
        m.popFrame();
        collect();
        collect();
        assertEquals(List.of("F(a)"), events);
        assertEquals(0, heap.objectCount());
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void resurrectionKeepsTheSubgraphAndNeverFinalizesAgain(String c) {
        start(c);
        int saved = m.global("saved");
        long[] ab = cycle();
        long a = ab[0];
        long w = fin.newWeakRef(m, a, null);
        m.setGlobal(m.global("w"), w);
        fin.registerFinalizer(a, x -> { events.add("F(a)"); m.setGlobal(saved, x); });
        m.popFrame();
        collect();
        assertEquals(List.of("F(a)"), events);
        assertTrue(heap.isObject(a) && heap.isObject(ab[1]), "a and what it reaches survive");
        assertEquals(ab[1], m.getRef(a, 0), "its references are intact");
        assertTrue(fin.isFinalized(a));
        assertEquals(0, fin.weakRefGet(w), "a weak reference cleared before the finalizer stays cleared");
        m.setGlobal(saved, 0);
        collect();
        collect();
        assertEquals(List.of("F(a)"), events, "never finalized twice");
        assertEquals(1, heap.objectCount(), "only the weak reference is left");
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void outsideWeakRefCallbackRunsAndSeesItCleared(String c) {
        start(c);
        long[] ab = cycle();
        long[] seen = {-1};
        long w = fin.newWeakRef(m, ab[0], wr -> { events.add("CB"); seen[0] = fin.weakRefGet(wr); });
        m.setGlobal(m.global("w"), w);
        assertEquals(ab[0], fin.weakRefGet(w));
        assertEquals(1, fin.weakRefCount(ab[0]));
        m.popFrame();
        collect();
        assertEquals(List.of("CB"), events);
        assertEquals(0, seen[0], "the callback sees its weak reference already cleared");
        assertEquals(0, fin.weakRefGet(w));
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void weakRefInsideTheGarbageGetsNoCallback(String c) {
        start(c);
        long[] ab = cycle();
        long w = fin.newWeakRef(m, ab[1], wr -> events.add("CB"));
        m.setRef(ab[0], 1, w); // only the garbage refers to the weak reference
        m.popFrame();
        collect();
        collect();
        assertEquals(List.of(), events);
        assertEquals(0, heap.objectCount());
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void callbacksOnOneReferentRunNewestFirst(String c) {
        start(c);
        long[] ab = cycle();
        long holder = m.allocateArray(dev.gclab.heap.object.LayoutRegistry.REF_ARRAY, 3);
        m.setGlobal(m.global("holder"), holder);
        for (int i = 1; i <= 3; i++) {
            String label = "CB" + i;
            m.setRef(holder, i - 1, fin.newWeakRef(m, m.local(0), wr -> events.add(label)));
        }
        m.popFrame();
        collect();
        assertEquals(List.of("CB3", "CB2", "CB1"), events);
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void callbacksRunBeforeFinalizersInACycleCollection(String c) {
        start(c);
        long[] ab = cycle();
        finalizer(ab[0]);
        finalizer(ab[1]);
        m.setGlobal(m.global("w"), fin.newWeakRef(m, m.local(1), wr -> events.add("CB(b)")));
        m.popFrame();
        collect();
        assertEquals("CB(b)", events.get(0));
        assertEquals(3, events.size());
    }

    /**
     * A chain A -> B -> C dropped at once. rc: each dies by count, finalizer then callbacks then its
     * children (CPython's refcount death). Tracing: all callbacks of the collection, then all finalizers.
     */
    @ParameterizedTest
    @MethodSource("collectors")
    void deathOrderOfADroppedChain(String c) {
        start(c);
        int root = m.global("chain");
        long holder = m.allocateArray(dev.gclab.heap.object.LayoutRegistry.REF_ARRAY, 3);
        m.setGlobal(m.global("weakrefs"), holder);
        m.pushFrame(1);
        long a = obj("A");
        m.setGlobal(root, a);
        long b = obj("B");
        m.setRef(m.getGlobal(root), 0, b);
        long cc = obj("C");
        m.setRef(b, 0, cc);
        int i = 0;
        for (long o : new long[] {m.getGlobal(root), b, cc}) {
            finalizer(o);
            String label = "CB(" + names.get(o) + ")";
            m.setRef(holder, i++, fin.newWeakRef(m, o, wr -> events.add(label)));
        }
        m.popFrame();
        m.setGlobal(root, 0);
        collect();
        if (collector.constraints().needsRefCounts()) {
            assertEquals(List.of("F(A)", "CB(A)", "F(B)", "CB(B)", "F(C)", "CB(C)"), events, "rc: synchronous death by count");
        } else {
            assertEquals(List.of("CB(A)", "CB(B)", "CB(C)"), events.subList(0, 3), "tracing: callbacks first");
            assertEquals(java.util.Set.of("F(A)", "F(B)", "F(C)"), java.util.Set.copyOf(events.subList(3, 6)));
        }
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void garbageMadeByAFinalizerIsFreedByALaterCollectionAtTheLatest(String c) {
        start(c);
        long[] ab = cycle();
        fin.registerFinalizer(ab[0], x -> {
            events.add("F(a)");
            long[] made = cycle(); // a new garbage cycle, made during the collection
            m.popFrame();
        });
        m.popFrame();
        collect();
        assertEquals(List.of("F(a)"), events);
        collect();
        assertEquals(0, heap.objectCount(), "by the second collection everything is gone");
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void anExceptionInAFinalizerGoesToTheUnraisableHook(String c) {
        start(c);
        long[] ab = cycle();
        fin.registerFinalizer(ab[0], x -> { throw new IllegalStateException("boom"); });
        finalizer(ab[1]);
        m.popFrame();
        collect();
        assertTrue(events.contains("unraisable:boom"), events.toString());
        assertTrue(events.contains("F(b)"), "the other finalizer still ran: " + events);
        assertEquals(0, heap.objectCount(), "the collection completed");
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void withFinalizerRunsOnceAtDeathNeverAfterDetachAndAtCloseInReverse(String c) {
        start(c);
        long[] ab = cycle();
        FinalizeHandle atDeath = fin.withFinalizer(m, ab[0], () -> events.add("cleanup(a)"));
        FinalizeHandle detached = fin.withFinalizer(m, ab[1], () -> events.add("cleanup(b)"));
        var registration = detached.detach();
        assertTrue(registration.isPresent());
        assertEquals(m.local(1), registration.get().object(), "detach gives the object back");
        m.popFrame();
        collect();
        assertEquals(List.of("cleanup(a)"), events);
        assertFalse(atDeath.isAlive());
        assertNull(atDeath.call(), "at most once");
        assertTrue(atDeath.detach().isEmpty(), "nothing to detach once it ran");
        int g = m.global("keep");
        long x = obj("x");
        m.setGlobal(g, x);
        FinalizeHandle early = fin.withFinalizer(m, x, () -> events.add("cleanup(early)"));
        assertEquals(Boolean.TRUE, early.call(), "call() returns the cleanup's result");
        FinalizeHandle first = fin.withFinalizer(m, m.getGlobal(g), () -> events.add("close(1)"));
        FinalizeHandle second = fin.withFinalizer(m, m.getGlobal(g), () -> events.add("close(2)"));
        collector.close();
        assertEquals(List.of("cleanup(a)", "cleanup(early)", "close(2)", "close(1)"), events);
        assertFalse(first.isAlive() || second.isAlive());
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void legacyFinalizersMakeCyclesUncollectable(String c) {
        start(c);
        long[] ab = cycle();
        long tail = obj("tail");
        m.setRef(ab[1], 1, tail);
        fin.registerLegacyFinalizer(ab[0], x -> events.add("F(a)"));
        m.popFrame();
        collect();
        collect();
        assertEquals(List.of(), events, "legacy finalizers in cyclic garbage are not called");
        assertEquals(List.of(ab[0]), fin.garbage());
        assertTrue(heap.isObject(ab[0]) && heap.isObject(ab[1]) && heap.isObject(tail), "all they reach is kept");
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void finalizerOrderKnob(String c) {
        for (FinalizerOrder order : FinalizerOrder.values()) {
            events.clear();
            start(c);
            fin.setOrder(order);
            long[] ab = cycle(); // a <-> b, and a -> c1 -> c2
            long c1 = obj("c1");
            m.setRef(m.local(0), 1, c1);
            long c2 = obj("c2");
            m.setRef(c1, 1, c2);
            finalizer(c2);
            finalizer(c1);
            finalizer(m.local(0));
            m.popFrame();
            collect();
            if (order == FinalizerOrder.LIST && collector.constraints().needsRefCounts()) {
                assertEquals(List.of("F(a)", "F(c1)", "F(c2)"), events, "rc: the unreachable list's order (allocation order here), as CPython");
            } else if (order == FinalizerOrder.LIST) {
                assertEquals(List.of("F(c2)", "F(c1)", "F(a)"), events, "tracing: registration order");
            } else {
                assertEquals(List.of("F(a)", "F(c1)", "F(c2)"), events, "referrers first");
            }
            heap.close();
            heap = null;
        }
    }
}
