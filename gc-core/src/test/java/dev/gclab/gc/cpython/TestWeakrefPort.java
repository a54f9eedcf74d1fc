package dev.gclab.gc.cpython;

import dev.gclab.gc.finalize.FinalizeHandle;
import dev.gclab.gc.finalize.WeakRefCallback;
import dev.gclab.gc.plan.rc.RcCollector;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.heap.object.LayoutRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The collection-related tests of CPython's {@code Lib/test/test_weakref.py} on gclab: weak references
 * and their callbacks when referents die by count or in cycles, callbacks that collect, weak references
 * made during collections and finalizers, and {@code weakref.finalize} ({@code withFinalizer}).
 *
 * <p>Where CPython's test relies on an object dying the moment its last reference goes (reference
 * counting), the port calls {@link #settle()} at that point: nothing under rc, a collection under a
 * tracing collector, which frees garbage only then (docs/finalization.md: rc frees at count zero,
 * tracing collectors at the next collection). Weak-reference callbacks are Java code here, not heap
 * objects; where CPython's test depends on a callback (a bound method) being part of the garbage, the
 * bound method object is put into the garbage beside the weak reference.
 */
@DisplayName("CPython Lib/test/test_weakref.py")
class TestWeakrefPort {
    static final String EVERY = TestGcPort.EVERY;
    static final String RC = TestGcPort.RC;

    private Py py;
    private final List<String> log = new ArrayList<>();
    private int cbcalled;

    @AfterEach
    void end() {
        if (py == null) return;
        try {
            assertEquals(List.of(), py.errors, "problems seen inside callbacks");
            assertEquals(List.of(), py.unraisable);
        } finally {
            py.close();
        }
    }

    /** Where CPython relies on death by count: nothing to do under rc; a collection under a tracing collector. */
    private void settle() {
        if (!py.countsReferences()) py.collect();
    }

    private final WeakRefCallback callback = w -> cbcalled++;

    // ------------------------------------------------------------------ ReferencesTestCase

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.ReferencesTestCase.test_basic_ref")
    void test_basic_ref(CollectorProvider p) {
        py = Py.start(p);
        py.set("o", py.instance());
        py.set("ref", py.ref(py.get("o"), null));
        assertNotEquals(0, py.deref(py.get("ref")), "weak reference to live object should be live");
        assertEquals(py.get("o"), py.deref(py.get("ref")), "ref() should return the original object while it lives");
        py.collect();
        assertEquals(py.get("o"), py.deref(py.get("ref")), "a collection leaves it alone");
        py.del("o");
        settle();
        assertEquals(0, py.deref(py.get("ref")), "dead reference");
    }

    /** rc runs the callback at the del itself; a tracing collector at the next collection. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.ReferencesTestCase.test_basic_callback")
    void test_basic_callback(CollectorProvider p) {
        py = Py.start(p);
        py.set("o", py.instance());
        py.set("ref", py.ref(py.get("o"), callback));
        py.del("o");
        assertEquals(py.countsReferences() ? 1 : 0, cbcalled, "rc: at once; tracing: not before a collection");
        py.collect();
        assertEquals(1, cbcalled, "callback did not properly set 'cbcalled'");
        assertEquals(0, py.deref(py.get("ref")));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.ReferencesTestCase.test_multiple_callbacks")
    void test_multiple_callbacks(CollectorProvider p) {
        py = Py.start(p);
        py.set("o", py.instance());
        py.set("ref1", py.ref(py.get("o"), callback));
        py.set("ref2", py.ref(py.get("o"), callback));
        py.del("o");
        settle();
        assertEquals(0, py.deref(py.get("ref1")), "expected reference to be invalidated");
        assertEquals(0, py.deref(py.get("ref2")), "expected reference to be invalidated");
        assertEquals(2, cbcalled, "callback not called the right number of times");
    }

    /** All weak references to an object are invalidated before any of their callbacks runs. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.ReferencesTestCase.test_multiple_selfref_callbacks")
    void test_multiple_selfref_callbacks(CollectorProvider p) {
        py = Py.start(p);
        WeakRefCallback cb = w -> {
            cbcalled++;
            if (py.deref(py.get("ref")) != 0) py.errors.add("self.ref() is still live inside a callback");
        };
        py.set("c", py.instance());
        py.set("ref", py.ref(py.get("c"), cb));
        py.set("ref1", py.ref(py.get("c"), cb));
        py.del("c");
        settle();
        assertEquals(2, cbcalled);
    }

    /** getweakrefcount: weak references are unlinked from their referent when they are discarded. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.ReferencesTestCase.test_getweakrefcount")
    void test_getweakrefcount(CollectorProvider p) {
        py = Py.start(p);
        py.set("o", py.instance());
        py.set("ref1", py.ref(py.get("o"), null));
        py.set("ref2", py.ref(py.get("o"), callback));
        assertEquals(2, py.fin.weakRefCount(py.get("o")), "got wrong number of weak reference objects");
        py.del("ref1");
        py.del("ref2");
        settle();
        assertEquals(0, py.fin.weakRefCount(py.get("o")), "weak reference objects not unlinked from referent when discarded");
        py.set("one", py.m.allocateArray(LayoutRegistry.BYTE_ARRAY, 1));
        assertEquals(0, py.fin.weakRefCount(py.get("one")));
        assertEquals(0, cbcalled);
    }

    /** getweakrefs (counted: gclab lists no weak references): the one discarded leaves exactly the other. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.ReferencesTestCase.test_getweakrefs")
    void test_getweakrefs(CollectorProvider p) {
        py = Py.start(p);
        py.set("o", py.instance());
        py.set("ref1", py.ref(py.get("o"), callback));
        py.set("ref2", py.ref(py.get("o"), callback));
        py.del("ref1");
        settle();
        assertEquals(1, py.fin.weakRefCount(py.get("o")), "list of refs does not match");
        py.del("ref2");
        settle();
        assertEquals(0, py.fin.weakRefCount(py.get("o")), "list of refs not cleared");
        py.del("o");
        settle();
        assertEquals(0, cbcalled, "discarded weak references never call back");
    }

    /**
     * Callbacks that call gc.collect() while their referent dies by count (rc: a collection inside a
     * count death; tracing: inside a collection, where it does nothing), first directly, then for an
     * object torn down as part of its owner's death. No object may be freed twice (the heap is verified).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.ReferencesTestCase.test_sf_bug_840829")
    void test_sf_bug_840829(CollectorProvider p) {
        py = Py.start(p);
        WeakRefCallback collects = w -> { cbcalled++; py.collect(); };
        py.set("c", py.instance());
        py.set("wr", py.ref(py.get("c"), collects));
        py.del("c");
        settle();
        py.del("wr");
        py.set("c1", py.instance());
        long i = py.instance();
        py.setattr(py.get("c1"), 0, i); // c1.i = C()
        py.set("wr", py.ref(py.getattr(py.get("c1"), 0), collects));
        py.set("c2", py.instance());
        py.setattr(py.get("c2"), 0, py.get("c1"));
        py.del("c1");
        py.del("c2");
        settle();
        assertEquals(2, cbcalled);
        py.del("wr");
        py.collect();
        assertEquals(0, py.heap.objectCount());
    }

    /**
     * I holds class J strongly and through a weak reference whose callback is I's bound method; I, J and
     * its class are garbage together. The weak reference is garbage itself, so it is cleared with no
     * callback (which would otherwise run against half-cleared objects).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.ReferencesTestCase.test_callback_in_cycle")
    void test_callback_in_cycle(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        long base = py.heap.objectCount();
        py.set("J", py.newClass("object"));
        py.set("II", py.newClass("object"));
        py.set("I", py.instance(py.get("II")));
        py.setattr(py.get("I"), 0, py.get("J")); // I.J = J
        long acallback = py.boundMethod(py.get("I"));
        py.setattr(py.get("I"), 2, acallback);
        py.set("wr", py.ref(py.get("J"), w -> { log.add("acallback"); py.getattr(py.getattr(py.get("I"), 2), 0); }));
        py.setattr(py.get("I"), 1, py.get("wr")); // I.wr = weakref.ref(J, I.acallback)
        py.del("wr");
        py.del("I");
        py.del("J");
        py.del("II");
        py.collect();
        assertEquals(List.of(), log);
        assertEquals(base, py.heap.objectCount());
    }

    /** c2 -> c1 one way only; c2.wr = weakref.ref(c1, c2.cb): the weak reference is garbage, no callback. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.ReferencesTestCase.test_callback_reachable_one_way")
    void test_callback_reachable_one_way(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        py.set("C", py.newClass("object"));
        long base = py.heap.objectCount();
        callbackReachableOneWay("C", "C");
        py.collect();
        assertEquals(List.of(), log);
        assertEquals(base, py.heap.objectCount());
    }

    /** As test_callback_reachable_one_way with c1 and c2 of different classes, the classes garbage too. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.ReferencesTestCase.test_callback_different_classes")
    void test_callback_different_classes(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        long base = py.heap.objectCount();
        py.set("C", py.newClass("object"));
        py.set("D", py.newClass("object"));
        callbackReachableOneWay("D", "C");
        py.del("C");
        py.del("D");
        py.collect();
        assertEquals(List.of(), log);
        assertEquals(base, py.heap.objectCount());
    }

    private void callbackReachableOneWay(String class1, String class2) {
        py.set("c1", py.instance(py.get(class1)));
        py.set("c2", py.instance(py.get(class2)));
        py.setattr(py.get("c2"), 0, py.get("c2")); // c2.me = c2
        py.setattr(py.get("c2"), 1, py.get("c1")); // c2.c1 = c1
        long cb = py.boundMethod(py.get("c2"));
        py.setattr(py.get("c2"), 3, cb);
        long wr = py.ref(py.get("c1"), w -> log.add("c2.cb"));
        py.setattr(py.get("c2"), 2, wr); // c2.wr = weakref.ref(c1, c2.cb)
        py.del("c1");
        py.del("c2");
    }

    /**
     * Weak references inside the trash, with callbacks that would resurrect trash, are cleared without
     * their callbacks; the one weak reference outside (to the class C, also garbage) calls back.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.ReferencesTestCase.test_callback_in_cycle_resurrection")
    void test_callback_in_cycle_resurrection(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        long base = py.heap.objectCount();
        py.set("alist", py.list(4));
        py.set("C", py.newClass("object"));
        py.set("c1", py.instance(py.get("C")));
        py.set("c2", py.instance(py.get("C")));
        py.setattr(py.get("c1"), 0, py.get("c2")); // c1.c = c2
        py.setattr(py.get("c2"), 0, py.get("c1")); // c2.c = c1
        long w1 = py.ref(py.get("c2"), w -> { log.add("c1.acallback"); py.m.setRef(py.get("alist"), 1, py.getattr(py.get("c1"), 0)); });
        py.setattr(py.get("c1"), 1, w1);
        long w2 = py.ref(py.get("c1"), w -> { log.add("c2.acallback"); py.m.setRef(py.get("alist"), 2, py.getattr(py.get("c2"), 0)); });
        py.setattr(py.get("c2"), 1, w2);
        py.set("wr", py.ref(py.get("C"), w -> log.add("C went away")));
        py.del("c1");
        py.del("c2");
        py.del("C");
        assertEquals(List.of(), log, "del isn't enough to reclaim anything");
        py.collect();
        assertEquals(List.of("C went away"), log);
        assertEquals(0, py.deref(py.get("wr")));
        log.clear();
        py.collect();
        assertEquals(List.of(), log);
        assertEquals(base + 2, py.heap.objectCount(), "nothing was resurrected: alist and wr are left");
    }

    /**
     * Weak-reference callbacks on callbacks: c <-> d, c.wr = ref(d, c.cb), d.wr = ref(c.cb, d.cb), and an
     * external weak reference to the bound method c.cb with a safe callback. Only the external one calls
     * back, when the bound method (part of the trash) goes.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.ReferencesTestCase.test_callbacks_on_callback")
    void test_callbacks_on_callback(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        long base = py.heap.objectCount();
        py.set("C", py.newClass("object"));
        py.set("c", py.instance(py.get("C")));
        py.set("d", py.instance(py.get("C")));
        py.setattr(py.get("c"), 0, py.get("d"));
        py.setattr(py.get("d"), 0, py.get("c"));
        py.set("callback", py.boundMethod(py.get("c"))); // callback = c.cb
        long cwr = py.ref(py.get("d"), w -> log.add("cb called"));
        py.setattr(py.get("c"), 1, cwr);
        py.setattr(py.get("c"), 2, py.get("callback")); // c.wr holds its callback
        long dcb = py.boundMethod(py.get("d"));
        py.setattr(py.get("d"), 2, dcb);
        long dwr = py.ref(py.get("callback"), w -> log.add("cb called"));
        py.setattr(py.get("d"), 1, dwr);
        py.set("external_wr", py.ref(py.get("callback"), w -> log.add("safe_callback called")));
        assertEquals(py.get("callback"), py.deref(py.get("external_wr")));
        py.del("callback");
        py.del("c");
        py.del("d");
        py.del("C");
        assertEquals(List.of(), log, "del isn't enough to clean up cycles");
        py.collect();
        assertEquals(List.of("safe_callback called"), log);
        assertEquals(0, py.deref(py.get("external_wr")));
        log.clear();
        py.collect();
        assertEquals(List.of(), log);
        assertEquals(base + 1, py.heap.objectCount(), "only external_wr is left");
    }

    /**
     * Thresholds (1, 1, 1): the allocation of a weak reference runs a collection that finds a cycle holding
     * another weak reference to the same referent. Nothing breaks; the referent lives, both weak
     * references are unlinked from it once gone.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(RC)
    @DisplayName("test_weakref.ReferencesTestCase.test_gc_during_ref_creation")
    void test_gc_during_ref_creation(CollectorProvider p) {
        py = Py.start(p);
        RcCollector rc = py.rc();
        int[] thresholds = rc.thresholds();
        rc.setThresholds(1, 1, 1);
        py.collect();
        py.builtins();
        py.set("A", py.newClass("object"));
        py.set("referenced", py.instance(py.get("A")));
        py.set("a", py.instance(py.get("A")));
        py.setattr(py.get("a"), 0, py.get("a"));
        long wr = py.ref(py.get("referenced"), null);
        py.setattr(py.get("a"), 1, wr);
        long cycles = rc.stats().cycles();
        try {
            py.set("a", py.instance(py.get("A"))); // the old a and its weak reference are cyclic trash now
            long created = py.ref(py.get("referenced"), w -> log.add("callback"));
            assertNotEquals(0, py.deref(created));
        } finally {
            rc.setThresholds(thresholds);
        }
        assertTrue(rc.stats().cycles() > cycles, "collections ran during the allocations");
        py.collect();
        assertEquals(List.of(), log);
        assertEquals(0, py.fin.weakRefCount(py.get("referenced")), "both weak references are gone");
    }

    /**
     * A weak reference to the object made by its own __del__: the object still dies, and the weak
     * reference is cleared, never left pointing at freed memory. rc frees it by count right after its
     * finalizer; a tracing collector keeps an object that got a weak reference during the collection for
     * the next one (docs/finalization.md: garbage made during a collection waits for the next one).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.ReferencesTestCase.test_ref_created_during_del")
    void test_ref_created_during_del(CollectorProvider p) {
        py = Py.start(p);
        py.set("w", py.instance()); // w = Target()
        py.fin.registerFinalizer(py.get("w"), self -> py.set("ref_from_del", py.ref(self, null)));
        py.del("w"); // the test's frame ends
        settle();
        assertNotEquals(0, py.get("ref_from_del"), "__del__ ran");
        if (!py.countsReferences()) {
            assertNotEquals(0, py.deref(py.get("ref_from_del")), "tracing: kept until the next collection");
            py.collect();
        }
        assertEquals(0, py.deref(py.get("ref_from_del")));
        assertEquals(1, py.heap.objectCount(), "only the weak reference is left");
    }

    /** Classes are weakly referenceable; the callback gets the (cleared) weak reference itself. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.ReferencesTestCase.test_classes")
    void test_classes(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        List<Long> l = new ArrayList<>();
        py.set("A", py.newClass("object"));
        py.set("a", py.ref(py.get("A"), l::add)); // weakref.ref(A, l.append)
        py.del("A");
        py.collect();
        assertEquals(0, py.deref(py.get("a")));
        assertEquals(List.of(py.get("a")), l);
    }

    /**
     * Issue 16602: a chain of 100 objects, each with a weak reference to its parent whose callback reads
     * the object's own weak reference; the chain hangs off a WeakKeyDictionary (key weakly, value
     * strongly: d[c] = C(c)), so the death of the root cascades through dictionary callbacks. No callback
     * may ever see a dead object through a weak reference: wself() is either live or cleared.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.ReferencesTestCase.test_trashcan_16602")
    void test_trashcan_16602(CollectorProvider p) {
        py = Py.start(p);
        final int n = 100;
        py.set("keys", py.list(n)); // d's weak keys
        py.set("vals", py.list(n)); // and its values
        List<Integer> handles = new ArrayList<>();
        int[] seen = new int[2]; // callbacks that saw wself() live, cleared
        py.set("root", py.instance());
        py.set("c", py.get("root"));
        for (int k = 0; k < n; k++) {
            py.set("parent", py.get("c"));
            py.set("c", py.instance()); // C(parent)
            long wself = py.ref(py.get("c"), null);
            py.setattr(py.get("c"), 1, wself); // the callback's closure holds wself
            int h = py.m.newHandle(py.getattr(py.get("c"), 1));
            handles.add(h);
            long wparent = py.ref(py.get("parent"), w -> {
                long o = py.deref(py.m.deref(h)); // o = wself()
                if (o == 0) seen[1]++;
                else if (!py.heap.isObject(o) || py.m.layoutOf(o) != py.instance) py.errors.add("wself() gave a dead object");
                else seen[0]++;
            });
            py.setattr(py.get("c"), 0, wparent);
            int key = k;
            long keyRef = py.ref(py.get("parent"), w -> py.m.setRef(py.get("vals"), key, 0)); // the dict drops the entry
            py.m.setRef(py.get("keys"), k, keyRef);
            py.m.setRef(py.get("vals"), k, py.get("c")); // d[parent] = c
        }
        py.del("parent");
        py.del("root");
        if (py.countsReferences()) {
            for (int k = 0; k < n; k++) assertEquals(0, py.deref(py.m.getRef(py.get("keys"), k)), "rc: the whole chain died at once");
        }
        for (int i = 0; i <= n && py.deref(py.m.getRef(py.get("keys"), n - 1)) != 0; i++) py.collect(); // tracing: one link per collection
        assertEquals(n, seen[0] + seen[1], "every parent weak reference called back");
        for (int h : handles) py.m.releaseHandle(h);
        py.collect();
        assertEquals(4 + 2 + n, py.heap.objectCount(), "c (with its __dict__ and two weak references), keys, vals and d's weak keys are left");
    }

    // ------------------------------------------------------------------ FinalizeTestCase (weakref.finalize)

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.FinalizeTestCase.test_finalize")
    void test_finalize(CollectorProvider p) {
        py = Py.start(p);
        List<Integer> res = new ArrayList<>();
        java.util.function.Supplier<Integer> add = () -> { res.add(67 + 43 + 89); return 67 + 43 + 89; };
        py.set("a", py.instance());

        FinalizeHandle f = py.fin.withFinalizer(py.m, py.get("a"), add);
        assertTrue(f.isAlive());
        assertEquals(py.get("a"), f.peek().orElseThrow().object());
        assertSame(add, f.peek().orElseThrow().cleanup());
        assertEquals(199, f.call());
        assertNull(f.call());
        assertNull(f.call());
        assertTrue(f.peek().isEmpty());
        assertTrue(f.detach().isEmpty());
        assertFalse(f.isAlive());
        assertEquals(List.of(199), res);

        res.clear();
        f = py.fin.withFinalizer(py.m, py.get("a"), add);
        assertEquals(py.get("a"), f.peek().orElseThrow().object());
        FinalizeHandle.Registration r = f.detach().orElseThrow();
        assertEquals(py.get("a"), r.object());
        assertSame(add, r.cleanup());
        assertNull(f.call());
        assertNull(f.call());
        assertTrue(f.peek().isEmpty());
        assertTrue(f.detach().isEmpty());
        assertFalse(f.isAlive());
        assertEquals(List.of(), res);

        res.clear();
        f = py.fin.withFinalizer(py.m, py.get("a"), add);
        py.del("a");
        settle();
        assertNull(f.call());
        assertNull(f.call());
        assertTrue(f.peek().isEmpty());
        assertTrue(f.detach().isEmpty());
        assertFalse(f.isAlive());
        assertEquals(List.of(199), res);
    }

    /** Five finalizers on one object: one detached, one called early; at death the rest run newest first. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.FinalizeTestCase.test_order")
    void test_order(CollectorProvider p) {
        py = Py.start(p);
        py.set("a", py.instance());
        FinalizeHandle[] f = new FinalizeHandle[6];
        for (int i = 1; i <= 5; i++) {
            String name = "f" + i;
            f[i] = py.fin.withFinalizer(py.m, py.get("a"), () -> log.add(name));
        }
        f[1] = null; // del f1, f4: finalizers keep themselves alive
        f[4] = null;
        assertTrue(f[2].isAlive() && f[3].isAlive() && f[5].isAlive());
        assertTrue(f[5].detach().isPresent());
        assertFalse(f[5].isAlive());
        f[5].call(); // nothing: unregistered
        log.add("A");
        f[3].call();
        assertFalse(f[3].isAlive());
        log.add("B");
        f[3].call(); // nothing: called already
        log.add("C");
        py.del("a");
        settle();
        assertFalse(f[2].isAlive());
        log.add("D");
        f[2].call(); // nothing: called at the death
        assertEquals(List.of("A", "f3", "B", "C", "f4", "f2", "f1", "D"), log);
    }

    /** Once the object died and the cleanup ran, the registry holds nothing: its weak reference is freed too. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.FinalizeTestCase.test_all_freed")
    void test_all_freed(CollectorProvider p) {
        py = Py.start(p);
        py.set("a", py.instance());
        FinalizeHandle f = py.fin.withFinalizer(py.m, py.get("a"), () -> log.add("123"));
        assertEquals(3, py.heap.objectCount(), "a, its __dict__ and the registry's weak reference");
        py.del("a");
        settle();
        assertEquals(List.of("123"), log);
        assertFalse(f.isAlive());
        if (!py.countsReferences()) {
            assertEquals(1, py.heap.objectCount(), "tracing: the weak reference the registry let go of during the collection waits for the next");
            py.collect();
        }
        assertEquals(0, py.heap.objectCount());
    }

    /**
     * At exit (collector.close()): the live atexit finalizers run newest first; one with atexit=False does
     * not; one that raises is reported and the others still run; a finalizer registered by a finalizer
     * running at exit runs next. CPython prints f4, f3 error, g1, f1.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_weakref.FinalizeTestCase.test_atexit")
    void test_atexit(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        py.set("cls", py.newClass("object")); // cls stays alive till the atexit cleanups run
        FinalizeHandle f1 = py.fin.withFinalizer(py.m, py.get("cls"), () -> log.add("f1 foobar"));
        FinalizeHandle f2 = py.fin.withFinalizer(py.m, py.get("cls"), () -> log.add("f2 foobar"));
        FinalizeHandle f3 = py.fin.withFinalizer(py.m, py.get("cls"), () -> {
            py.fin.withFinalizer(py.m, py.get("cls"), () -> log.add("g1"));
            log.add("f3 error");
            throw new ArithmeticException("division by zero");
        });
        FinalizeHandle f4 = py.fin.withFinalizer(py.m, py.get("cls"), () -> log.add("f4 foobar"));
        assertTrue(f1.atexit());
        f2.setAtexit(false);
        assertTrue(f3.atexit() && f4.atexit());
        py.gc.close();
        assertEquals(List.of("f4 foobar", "f3 error", "g1", "f1 foobar"), log);
        assertEquals(1, py.unraisable.size());
        assertTrue(py.unraisable.getFirst().contains("division by zero"), py.unraisable.toString());
        py.unraisable.clear();
        assertTrue(f2.isAlive(), "atexit=False: not run");
    }
}
