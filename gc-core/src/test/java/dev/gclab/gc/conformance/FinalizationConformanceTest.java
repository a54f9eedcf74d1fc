package dev.gclab.gc.conformance;

import dev.gclab.gc.finalize.FinalizeHandle;
import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.finalize.FinalizerOrder;
import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
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

import dev.gclab.gc.spi.CollectionOutcome;

/**
 * The conformance kit for finalizers (PEP 442) and weak references: every registered collector runs
 * every test. Rules that differ by collector are stated where they are tested:
 * <ul>
 *   <li><b>when objects die</b>: rc frees an object the moment its count reaches zero (finalizer,
 *       callbacks, then children, synchronously); tracing collectors and rc's cycle detector free
 *       garbage at a collection, where all weak-reference callbacks run before all finalizers;</li>
 *   <li><b>list order of finalizers</b>: rc runs them in the order of CPython's unreachable list
 *       (allocation order for young objects); a tracing collector in registration order;</li>
 * </ul>
 * Garbage that a finalizer or callback makes out of live objects (or allocates) waits for the next
 * collection under every collector (CPython's rule: it is not in this collection's unreachable set),
 * and no object is ever freed without its finalizer having run or with a live weak reference to it
 * left uncleared.
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
    /** Object names by id; every test object carries its id in data word 0, so it is found again after a moving collection. */
    private final List<String> names = new ArrayList<>();

    /** Every registered collector in each of its variants (e.g. {@code generational{barrier=ssb}}). */
    static Stream<String> collectors() { return dev.gclab.gc.VariantProviders.all().stream().map(p -> p.name()); }

    private void start(String spec) { start(spec, Map.of()); }

    /** Starts the collector {@code spec} names ({@link #collectors()}), with {@code more} options besides its variant's. */
    private void start(String spec, Map<String, String> more) {
        heap = new Heap(HeapConfig.of(32L << 20));
        collector = dev.gclab.gc.VariantProviders.byName(spec).create(heap, CollectorOptions.defaults().withVerify(true).withExtra(more));
        m = new Mutator(heap, collector);
        fin = collector.finalization();
        fin.setUnraisableHook((where, e) -> events.add("unraisable:" + e.getMessage()));
        node = heap.layouts().fixed("Node", "rrd");
    }

    @AfterEach
    void close() {
        if (heap != null) heap.close();
    }

    private long obj(String name) {
        long o = m.allocate(node);
        names.add(name);
        m.setLong(o, 0, names.size() - 1);
        return o;
    }

    /** The name of a test object (read from its id word: valid wherever the object is now). */
    private String nameOf(long obj) { return names.get((int) m.getLong(obj, 0)); }

    /** The current address of the live test object named {@code name}, or 0 if it was freed. */
    private long find(String name) {
        int id = names.lastIndexOf(name);
        for (int i = 0; i < heap.spanCount(); i++) {
            var s = heap.span(i);
            for (int idx = 0; idx < s.nelems; idx++) {
                if (!s.isAllocated(idx)) continue;
                long o = s.slotAddress(idx);
                if (heap.layoutOf(o) == node && m.getLong(o, 0) == id) return o;
            }
        }
        return 0;
    }

    private boolean alive(String name) { return find(name) != 0; }

    /** A garbage 2-cycle a <-> b built in a frame (left pushed: pop it to drop the cycle); returns {a, b}. */
    private long[] cycle() {
        m.pushFrame(2);
        m.setLocal(0, obj("a"));
        m.setLocal(1, obj("b"));
        m.setRef(m.local(0), 0, m.local(1));
        m.setRef(m.local(1), 0, m.local(0));
        return new long[] {m.local(0), m.local(1)};
    }

    private void finalizer(long o) { fin.registerFinalizer(o, x -> events.add("F(" + nameOf(x) + ")")); }

    private void collect() { collector.collect(GcCause.EXPLICIT); }

    @ParameterizedTest
    @MethodSource("collectors")
    void twoCycleIsCollected(String c) {
        start(c);
        long[] ab = cycle();
        m.popFrame();
        collect();
        assertFalse(alive("a") || alive("b"));
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
        long w = fin.newWeakRef(m, ab[0], null);
        m.setGlobal(m.global("w"), w);
        fin.registerFinalizer(m.local(0), x -> { events.add("F(a)"); m.setGlobal(saved, x); });
        m.popFrame();
        collect();
        assertEquals(List.of("F(a)"), events);
        assertTrue(alive("a") && alive("b"), "a and what it reaches survive");
        assertEquals(find("b"), m.getRef(m.getGlobal(saved), 0), "its references are intact");
        assertTrue(fin.isFinalized(m.getGlobal(saved)));
        assertEquals(0, fin.weakRefGet(m.getGlobal(m.global("w"))), "a weak reference cleared before the finalizer stays cleared");
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
        assertEquals(0, fin.weakRefGet(m.getGlobal(m.global("w"))));
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
            String label = "CB(" + nameOf(o) + ")";
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
        assertEquals(List.of(find("a")), fin.garbage());
        assertTrue(alive("a") && alive("b") && alive("tail"), "all they reach is kept");
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

    // ---- regressions of the stress-found defects, and the rules they broke

    /** A weak reference to an object nobody has stored: the object dies (rc: when newWeakRef lets go; tracing: at the collection), the weak reference is cleared and its callback runs. */
    @ParameterizedTest
    @MethodSource("collectors")
    void aWeakReferenceToANeverStoredObjectIsClearedWhenItDies(String c) {
        start(c);
        long x = obj("x");
        long w = fin.newWeakRef(m, x, wr -> events.add("CB, cleared=" + (fin.weakRefGet(wr) == 0)));
        m.setGlobal(m.global("w"), w);
        collect();
        assertEquals(0, fin.weakRefGet(m.getGlobal(m.global("w"))));
        assertEquals(List.of("CB, cleared=true"), events);
        assertEquals(1, heap.objectCount(), "only the weak reference is left");
    }

    /** withFinalizer on an object that dies at once: the cleanup is not lost. */
    @ParameterizedTest
    @MethodSource("collectors")
    void aWithFinalizerCleanupOnANeverStoredObjectRuns(String c) {
        start(c);
        FinalizeHandle f = fin.withFinalizer(m, obj("x"), () -> events.add("cleanup"));
        collect();
        collect();
        assertEquals(List.of("cleanup"), events);
        assertFalse(f.isAlive());
        assertEquals(0, heap.objectCount());
    }

    /**
     * x's finalizer drops y, which has a finalizer and a weak reference with a callback. y is never freed
     * unfinalized or with its weak reference uncleared: rc frees it by count inside x's finalizer; a
     * tracing collector keeps it for the next collection (it was live when this one looked).
     */
    @ParameterizedTest
    @MethodSource("collectors")
    void anObjectAFinalizerDropsIsFinalizedAndItsWeakReferencesClearedBeforeItIsFreed(String c) {
        start(c);
        int ga = m.global("a"), gy = m.global("y"), gw = m.global("w");
        long y = obj("y");
        m.setGlobal(gy, y);
        fin.registerFinalizer(y, o -> events.add("F(y), intact=" + (heap.isObject(o) && nameOf(o).equals("y"))));
        m.setGlobal(gw, fin.newWeakRef(m, m.getGlobal(gy), w -> events.add("CB(y)")));
        long x = obj("x");
        m.setGlobal(ga, x);
        fin.registerFinalizer(x, o -> { events.add("F(x)"); m.setGlobal(gy, 0); });
        m.setGlobal(ga, 0);
        collect();
        if (alive("y")) {
            assertEquals(List.of("F(x)"), events, "a tracing collector: y waits");
            assertEquals(find("y"), fin.weakRefGet(m.getGlobal(gw)), "its weak reference is still valid");
        }
        collect();
        assertFalse(alive("y"));
        assertEquals(0, fin.weakRefGet(m.getGlobal(gw)));
        assertEquals(java.util.Set.of("F(x)", "F(y), intact=true", "CB(y)"), java.util.Set.copyOf(events));
        assertEquals(3, events.size(), "each ran once: " + events);
    }

    /** Garbage r <-> x and r -> v: x reaches v through r, so v's finalizer comes after both of theirs (one cycle: list order inside it). */
    @ParameterizedTest
    @MethodSource("collectors")
    void topologicalOrderRunsACycleBeforeWhatItReaches(String c) {
        start(c);
        fin.setOrder(FinalizerOrder.TOPOLOGICAL);
        m.pushFrame(3);
        long r = obj("r");
        m.setLocal(0, r);
        long x = obj("x");
        m.setLocal(1, x);
        long v = obj("v");
        m.setLocal(2, v);
        m.setRef(r, 0, x);
        m.setRef(x, 0, r);
        m.setRef(r, 1, v);
        finalizer(r);
        finalizer(x);
        finalizer(v);
        m.popFrame();
        collect();
        assertEquals(List.of("F(r)", "F(x)", "F(v)"), events);
    }

    /** Two unrelated chains a -> b and c -> d: referrers first, and list order between the chains. */
    @ParameterizedTest
    @MethodSource("collectors")
    void topologicalOrderKeepsListOrderBetweenUnrelatedObjects(String c) {
        start(c);
        fin.setOrder(FinalizerOrder.TOPOLOGICAL);
        m.pushFrame(4);
        long[] o = new long[4];
        String[] n = {"a", "b", "c", "d"};
        for (int i = 0; i < 4; i++) { o[i] = obj(n[i]); m.setLocal(i, o[i]); }
        m.setRef(o[0], 0, o[1]);
        m.setRef(o[2], 0, o[3]);
        m.setRef(o[3], 0, o[2]); // c <-> d: a cycle of its own
        m.setRef(o[1], 1, o[1]); // b refers to itself
        m.setRef(o[0], 1, o[0]); // and so does a: under rc all four are cyclic garbage
        for (int i = 3; i >= 0; i--) finalizer(o[i]); // registration order d, c, b, a
        m.popFrame();
        collect();
        assertTrue(events.indexOf("F(a)") < events.indexOf("F(b)"), "a reaches b: " + events);
        assertEquals(4, events.size(), events.toString());
    }

    /** A finalizer that makes cyclic garbage during a full collection: with --verify, no false alarm; the garbage goes at the next collection. */
    @ParameterizedTest
    @MethodSource("collectors")
    void garbageMadeByAFinalizerDuringAFullCollectionPassesVerification(String c) {
        start(c);
        int g0 = m.global("g0"), g1 = m.global("g1");
        long x = obj("x");
        m.setGlobal(g0, x);
        m.setRef(x, 0, x);
        long y = obj("y");
        m.setGlobal(g1, y);
        m.setRef(y, 0, y);
        fin.registerFinalizer(y, o -> m.setGlobal(g0, 0)); // drops x: a self-cycle, now garbage
        m.setGlobal(g1, 0);
        collect(); // verify is on: must not report x
        assertTrue(alive("x"), "x was live when the collection looked: it waits for the next one");
        collect();
        assertEquals(0, heap.objectCount());
    }

    /** An unraisable hook that throws never aborts a collection (nor a count death, nor close); the heap stays consistent. */
    @ParameterizedTest
    @MethodSource("collectors")
    void aThrowingUnraisableHookNeverAbortsACollection(String c) {
        start(c);
        fin.setUnraisableHook((where, e) -> { throw new IllegalStateException("hook broke on " + e.getMessage()); });
        java.io.ByteArrayOutputStream err = new java.io.ByteArrayOutputStream();
        java.io.PrintStream saved = System.err;
        System.setErr(new java.io.PrintStream(err, true));
        try {
            long[] ab = cycle();
            fin.registerFinalizer(ab[0], x -> { throw new IllegalStateException("boom a"); });
            fin.registerFinalizer(ab[1], x -> { throw new IllegalStateException("boom b"); });
            m.setGlobal(m.global("w"), fin.newWeakRef(m, m.local(0), w -> { events.add("CB"); throw new IllegalStateException("boom cb"); }));
            m.setGlobal(m.global("w2"), fin.newWeakRef(m, m.local(1), w -> events.add("CB2")));
            fin.withFinalizer(m, m.local(1), () -> { events.add("cleanup"); throw new IllegalStateException("boom cleanup"); });
            m.popFrame();
            collect(); // verify is on: the heap is checked after it
            collect();
            assertEquals(java.util.Set.of("CB", "CB2", "cleanup"), java.util.Set.copyOf(events));
            assertEquals(3, events.size(), "each callback and cleanup ran once: " + events);
            assertEquals(2, heap.objectCount(), "a, b and the cleanup's weak reference are gone; the two weak references remain");
            long x = obj("x");
            m.setGlobal(m.global("keep"), x);
            fin.withFinalizer(m, x, () -> { throw new IllegalStateException("boom at close"); });
            collector.close();
        } finally {
            System.setErr(saved);
        }
        String printed = err.toString();
        assertTrue(printed.contains("the unraisable hook threw"), printed);
        assertEquals(2, printed.split("the unraisable hook threw", -1).length - 1, "once per collection (and once at close): " + printed);
    }

    /** A collection that resurrects all it found reports 0 collected (CPython counts after resurrection). */
    @ParameterizedTest
    @MethodSource("collectors")
    void theOutcomeOfACollectionExcludesResurrectedObjects(String c) {
        start(c);
        int saved = m.global("saved");
        long[] ab = cycle();
        fin.registerFinalizer(ab[0], x -> m.setGlobal(saved, x));
        m.popFrame();
        collect();
        CollectionOutcome o = collector.lastCollection();
        assertEquals(2, o.unreachable(), o.toString());
        assertEquals(0, o.collected(), o.toString());
        assertEquals(0, o.returned(), "what gc.collect() returns");
        m.setGlobal(saved, 0);
        collect();
        assertEquals(new CollectionOutcome(2, 2, 2, 0), collector.lastCollection(), "freed now, never finalized again");
    }

    /** DEBUG_SAVEALL (-o debug=saveall): garbage is kept in garbage(), alive and intact; finalizers still run. */
    @ParameterizedTest
    @MethodSource("collectors")
    void saveAllKeepsGarbageAliveInTheGarbageList(String c) {
        start(c, Map.of("debug", "saveall"));
        long[] ab = cycle();
        finalizer(ab[0]);
        m.popFrame();
        collect();
        assertEquals(List.of("F(a)"), events);
        assertEquals(java.util.Set.of(find("a"), find("b")), java.util.Set.copyOf(fin.garbage()));
        assertEquals(find("b"), m.getRef(find("a"), 0), "references intact");
        assertEquals(2, collector.lastCollection().collected(), "counted as collected, as CPython does");
        fin.setSaveAll(false);
        collector.clearGarbage();
        collect();
        assertEquals(0, heap.objectCount());
    }

    /** weakref.finalize: atexit=false cleanups do not run at close; peek and detach give the registration. */
    @ParameterizedTest
    @MethodSource("collectors")
    void withFinalizerAtexitPeekAndDetach(String c) {
        start(c);
        long x = obj("x");
        m.setGlobal(m.global("keep"), x);
        FinalizeHandle quiet = fin.withFinalizer(m, x, () -> events.add("quiet"), false);
        FinalizeHandle loud = fin.withFinalizer(m, x, () -> events.add("loud"), true);
        assertEquals(m.getGlobal(m.global("keep")), quiet.peek().orElseThrow().object());
        FinalizeHandle gone = fin.withFinalizer(m, x, () -> "result");
        assertEquals("result", gone.call());
        assertTrue(gone.peek().isEmpty());
        collector.close();
        assertEquals(List.of("loud"), events);
        assertTrue(quiet.isAlive(), "not run at close");
        assertFalse(loud.isAlive());
    }
}
