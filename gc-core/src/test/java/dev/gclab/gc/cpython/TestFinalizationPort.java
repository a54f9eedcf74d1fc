package dev.gclab.gc.cpython;

import dev.gclab.gc.spi.CollectorProvider;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.List;

import static org.junit.jupiter.api.Assertions.*;

/**
 * CPython's {@code Lib/test/test_finalization.py} (PEP 442's tests) on gclab: objects without cycles,
 * in self-cycles and in cyclic chains, with finalizers that only record, that resurrect, or that break
 * their own cycle; and legacy ({@code tp_del}) finalizers.
 *
 * <p>The objects of these tests are {@link Py#slotted} ones (two reference slots: {@code ref}/{@code left}
 * and {@code right}; data word 0 the Python id, word 1 the kind and the "suicided" flag) or, for the
 * non-GC tests, {@link Py#nonGc} ones. Every finalizer records its call and checks the object is sane, as
 * CPython's {@code NonGCSimpleBase.__del__} does; problems go to {@link Py#errors}, checked after each test.
 * A tracing collector frees an object only at a collection (every test here calls {@code gc.collect()}
 * before it looks), and clears weak references before finalizers run even when the object is not in a
 * cycle; rc, like CPython, finalizes an object that dies by count before clearing its weak references.
 */
@DisplayName("CPython Lib/test/test_finalization.py")
class TestFinalizationPort {
    static final String EVERY = TestGcPort.EVERY;
    static final String RC = TestGcPort.RC;

    /** Kinds, data word 1 (the flag SUICIDED is or-ed in). */
    static final long SIMPLE = 1, RESURRECTOR = 2, SUICIDAL = 3, LEGACY = 4, LEGACY_RESURRECTOR = 5, SUICIDED = 16;
    static final int LEFT = 0, RIGHT = 1;

    private Py py;
    private final List<Long> delCalls = new ArrayList<>();
    private final List<Long> tpDelCalls = new ArrayList<>();
    /** NonGCSimpleBase._cleaning: set once a test's own checks are done, so the clean-up is not recorded. */
    private boolean cleaning;
    private long nextId = 1;

    @AfterEach
    void end() {
        if (py == null) return;
        try {
            assertEquals(List.of(), py.errors, "problems seen inside finalizers (NonGCSimpleBase.errors)");
            assertEquals(List.of(), py.unraisable);
        } finally {
            py.close();
        }
    }

    private void start(CollectorProvider p) {
        py = Py.start(p);
        py.set("survivors", py.list(16));
    }

    // ------------------------------------------------------------------ the objects

    private long kind(long obj) { return py.m.getLong(obj, 1) & ~SUICIDED; }

    private boolean suicided(long obj) { return (py.m.getLong(obj, 1) & SUICIDED) != 0; }

    /** A new object of {@code kind} with a finalizer (legacy for the legacy kinds); store it before allocating. */
    private long make(long kind, boolean gc) {
        long o = gc ? py.slotted(nextId++) : py.nonGc(nextId++);
        py.m.setLong(o, 1, kind);
        if (kind == LEGACY || kind == LEGACY_RESURRECTOR) py.fin.registerLegacyFinalizer(o, this::tpDel);
        else py.fin.registerFinalizer(o, this::del);
        return o;
    }

    /** NonGCSimpleBase.__del__: record, check sanity, side effect. */
    private void del(long self) {
        if (cleaning) return;
        delCalls.add(py.id(self));
        checkSanity(self);
        sideEffect(self);
    }

    /** LegacyBase.__tp_del__. */
    private void tpDel(long self) {
        if (cleaning) return;
        tpDelCalls.add(py.id(self));
        checkSanity(self);
        sideEffect(self);
    }

    private void sideEffect(long self) {
        long k = kind(self);
        if (k == RESURRECTOR || k == LEGACY_RESURRECTOR) { // self.survivors.append(self)
            long survivors = py.get("survivors");
            int i = 0;
            while (py.m.getRef(survivors, i) != 0) i++;
            py.m.setRef(survivors, i, self);
        } else if (k == SUICIDAL && py.m.layoutOf(self) == py.slotted) { // break the cycle
            py.m.setLong(self, 1, py.m.getLong(self, 1) | SUICIDED);
            py.m.setRef(self, LEFT, 0);
            py.m.setRef(self, RIGHT, 0);
        }
    }

    /** The object is intact: its id is its own, and in a chain its neighbours point back at it. */
    private void checkSanity(long self) {
        if (!py.heap.isObject(self) || py.id(self) <= 0 || py.id(self) >= nextId) {
            py.errors.add("insane object " + self);
            return;
        }
        if (py.m.layoutOf(self) != py.slotted) return;
        if (selfCycles && !suicided(self) && py.m.getRef(self, LEFT) != self) py.errors.add("self.ref is not self: " + py.id(self));
        if (!chained) return;
        long left = py.m.getRef(self, LEFT), right = py.m.getRef(self, RIGHT);
        if (suicided(self)) {
            if (left != 0 || right != 0) py.errors.add("suicided " + py.id(self) + " still linked");
            return;
        }
        if (left == 0 || right == 0) { py.errors.add("chain broken at " + py.id(self)); return; }
        if (py.m.getRef(left, RIGHT) != (suicided(left) ? 0 : self)) py.errors.add("left of " + py.id(self) + " does not point back");
        if (py.m.getRef(right, LEFT) != (suicided(right) ? 0 : self)) py.errors.add("right of " + py.id(self) + " does not point back");
    }

    private boolean chained, selfCycles;

    private List<Long> survivorIds() {
        List<Long> ids = new ArrayList<>();
        long survivors = py.get("survivors");
        for (int i = 0; i < 16; i++) if (py.m.getRef(survivors, i) != 0) ids.add(py.id(py.m.getRef(survivors, i)));
        return sorted(ids);
    }

    private void clearSurvivors() {
        for (int i = 0; i < 16; i++) py.m.setRef(py.get("survivors"), i, 0);
    }

    private static List<Long> sorted(List<Long> l) { return l.stream().sorted().toList(); }

    private void assertDelCalls(List<Long> ids) { assertEquals(sorted(ids), sorted(delCalls), "__del__ calls"); }

    private void assertTpDelCalls(List<Long> ids) { assertEquals(sorted(ids), sorted(tpDelCalls), "tp_del calls"); }

    private void assertSurvivors(List<Long> ids) { assertEquals(sorted(ids), survivorIds(), "survivors"); }

    // ------------------------------------------------------------------ SimpleFinalizationTest: no cycles

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.SimpleFinalizationTest.test_simple")
    void simple_test_simple(CollectorProvider p) {
        start(p);
        py.set("s", make(SIMPLE, true));
        List<Long> ids = List.of(py.id(py.get("s")));
        py.set("wr", py.ref(py.get("s"), null));
        py.del("s");
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(List.of());
        assertEquals(0, py.deref(py.get("wr")));
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(List.of());
    }

    /**
     * __del__ resurrects the object. rc, like CPython, finalizes before it clears weak references when an
     * object dies by count, so the weak reference still works; a tracing collector clears weak references
     * before any finalizer runs (docs/finalization.md: death by count vs a collection's garbage).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.SimpleFinalizationTest.test_simple_resurrect")
    void simple_test_simple_resurrect(CollectorProvider p) {
        start(p);
        py.set("s", make(RESURRECTOR, true));
        List<Long> ids = List.of(py.id(py.get("s")));
        py.set("wr", py.ref(py.get("s"), null));
        py.del("s");
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(ids);
        if (py.countsReferences()) assertNotEquals(0, py.deref(py.get("wr")), "rc: resurrected before its weak references were cleared");
        else assertEquals(0, py.deref(py.get("wr")), "tracing: weak references are cleared before finalizers");
        clearSurvivors();
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(List.of());
        assertEquals(0, py.deref(py.get("wr")));
    }

    /** An object without reference slots is never tracked (rc), and is finalized all the same. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.SimpleFinalizationTest.test_non_gc")
    void simple_test_non_gc(CollectorProvider p) {
        start(p);
        py.set("s", make(SIMPLE, false));
        if (py.countsReferences()) assertFalse(py.rc().isTracked(py.get("s")));
        List<Long> ids = List.of(py.id(py.get("s")));
        py.del("s");
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(List.of());
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(List.of());
    }

    /**
     * A non-GC object that resurrects itself: CPython keeps the "finalized" bit in the GC header, which
     * such an object lacks, so __del__ runs again at its next death (and resurrects it again).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(RC)
    @DisplayName("test_finalization.SimpleFinalizationTest.test_non_gc_resurrect")
    void simple_test_non_gc_resurrect(CollectorProvider p) {
        start(p);
        py.set("s", make(RESURRECTOR, false));
        assertFalse(py.rc().isTracked(py.get("s")));
        List<Long> ids = List.of(py.id(py.get("s")));
        py.del("s");
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(ids);
        clearSurvivors();
        py.collect();
        assertDelCalls(List.of(ids.getFirst(), ids.getFirst()));
        assertSurvivors(ids);
    }

    // ------------------------------------------------------------------ SelfCycleFinalizationTest

    private void selfCycle(String var) {
        selfCycles = true;
        py.m.setRef(py.get(var), LEFT, py.get(var));
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.SelfCycleFinalizationTest.test_simple")
    void selfcycle_test_simple(CollectorProvider p) {
        start(p);
        py.set("s", make(SIMPLE, true));
        selfCycle("s");
        List<Long> ids = List.of(py.id(py.get("s")));
        py.set("wr", py.ref(py.get("s"), null));
        py.del("s");
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(List.of());
        assertEquals(0, py.deref(py.get("wr")));
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(List.of());
    }

    /** __del__ resurrects a self-cycle: the weak reference was cleared first (CPython: "XXX is this desirable?"). */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.SelfCycleFinalizationTest.test_simple_resurrect")
    void selfcycle_test_simple_resurrect(CollectorProvider p) {
        start(p);
        py.set("s", make(RESURRECTOR, true));
        selfCycle("s");
        List<Long> ids = List.of(py.id(py.get("s")));
        py.set("wr", py.ref(py.get("s"), null));
        py.del("s");
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(ids);
        assertEquals(0, py.deref(py.get("wr")));
        clearSurvivors();
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(List.of());
        assertEquals(0, py.deref(py.get("wr")));
        assertEquals(2, py.heap.objectCount(), "it is gone: only the survivors list and the weak reference are left");
    }

    /** __del__ breaks the object's only cycle, so its last reference goes while it is being finalized. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.SelfCycleFinalizationTest.test_simple_suicide")
    void selfcycle_test_simple_suicide(CollectorProvider p) {
        start(p);
        py.set("s", make(SUICIDAL, true));
        selfCycle("s");
        List<Long> ids = List.of(py.id(py.get("s")));
        py.set("wr", py.ref(py.get("s"), null));
        py.del("s");
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(List.of());
        assertEquals(0, py.deref(py.get("wr")));
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(List.of());
        assertEquals(0, py.deref(py.get("wr")));
        assertEquals(2, py.heap.objectCount());
    }

    // ------------------------------------------------------------------ CycleChainFinalizationTest

    /** nodes[i].chain(nodes[i-1]) for every i: a ring linked both ways; returns the ids; the nodes are in "nodes". */
    private List<Long> buildChain(long... kinds) {
        chained = true;
        int n = kinds.length;
        py.set("nodes", py.list(n));
        for (int i = 0; i < n; i++) {
            long node = make(kinds[i], true);
            py.m.setRef(py.get("nodes"), i, node);
        }
        long nodes = py.get("nodes");
        for (int i = 0; i < n; i++) {
            long self = py.m.getRef(nodes, i), left = py.m.getRef(nodes, (i - 1 + n) % n);
            py.m.setRef(self, LEFT, left);
            py.m.setRef(left, RIGHT, self);
        }
        List<Long> ids = new ArrayList<>();
        for (int i = 0; i < n; i++) ids.add(py.id(py.m.getRef(nodes, i)));
        py.set("wrs", py.list(n));
        for (int i = 0; i < n; i++) {
            long w = py.ref(py.m.getRef(py.get("nodes"), i), null);
            py.m.setRef(py.get("wrs"), i, w);
        }
        return ids;
    }

    private void assertAllWeakRefsDead(int n) {
        for (int i = 0; i < n; i++) assertEquals(0, py.deref(py.m.getRef(py.get("wrs"), i)), "wrs[" + i + "]()");
    }

    private void checkNonResurrectingChain(CollectorProvider p, long... kinds) {
        start(p);
        List<Long> ids = buildChain(kinds);
        py.del("nodes");
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(List.of());
        assertAllWeakRefsDead(kinds.length);
        py.collect();
        assertDelCalls(ids);
        assertEquals(kinds.length + 2, py.heap.objectCount(), "the ring is gone: the survivors and wrs lists and the weak references are left");
    }

    private void checkResurrectingChain(CollectorProvider p, long... kinds) {
        start(p);
        List<Long> ids = buildChain(kinds);
        List<Long> survivorIds = new ArrayList<>();
        for (int i = 0; i < kinds.length; i++) if (kinds[i] == RESURRECTOR) survivorIds.add(ids.get(i));
        py.del("nodes");
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(survivorIds);
        assertAllWeakRefsDead(kinds.length); // CPython: "XXX desirable?"
        clearSurvivors();
        py.collect();
        assertDelCalls(ids);
        assertSurvivors(List.of());
        assertEquals(kinds.length + 2, py.heap.objectCount(), "nothing resurrected is left, and nothing was finalized twice");
    }

    private static long[] times(int n, long... kinds) {
        long[] r = new long[n * kinds.length];
        for (int i = 0; i < r.length; i++) r[i] = kinds[i % kinds.length];
        return r;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.CycleChainFinalizationTest.test_homogenous")
    void chain_test_homogenous(CollectorProvider p) { checkNonResurrectingChain(p, SIMPLE, SIMPLE, SIMPLE); }

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.CycleChainFinalizationTest.test_homogenous_resurrect")
    void chain_test_homogenous_resurrect(CollectorProvider p) { checkResurrectingChain(p, RESURRECTOR, RESURRECTOR, RESURRECTOR); }

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.CycleChainFinalizationTest.test_homogenous_suicidal")
    void chain_test_homogenous_suicidal(CollectorProvider p) { checkNonResurrectingChain(p, SUICIDAL, SUICIDAL, SUICIDAL); }

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.CycleChainFinalizationTest.test_heterogenous_suicidal_one")
    void chain_test_heterogenous_suicidal_one(CollectorProvider p) { checkNonResurrectingChain(p, times(2, SUICIDAL, SIMPLE)); }

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.CycleChainFinalizationTest.test_heterogenous_suicidal_two")
    void chain_test_heterogenous_suicidal_two(CollectorProvider p) { checkNonResurrectingChain(p, SUICIDAL, SUICIDAL, SIMPLE, SIMPLE); }

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.CycleChainFinalizationTest.test_heterogenous_resurrect_one")
    void chain_test_heterogenous_resurrect_one(CollectorProvider p) { checkResurrectingChain(p, times(2, RESURRECTOR, SIMPLE)); }

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.CycleChainFinalizationTest.test_heterogenous_resurrect_two")
    void chain_test_heterogenous_resurrect_two(CollectorProvider p) { checkResurrectingChain(p, times(2, RESURRECTOR, SIMPLE, SUICIDAL)); }

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.CycleChainFinalizationTest.test_heterogenous_resurrect_three")
    void chain_test_heterogenous_resurrect_three(CollectorProvider p) {
        checkResurrectingChain(p, RESURRECTOR, RESURRECTOR, SIMPLE, SIMPLE, SUICIDAL, SUICIDAL);
    }

    // ------------------------------------------------------------------ LegacyFinalizationTest (tp_del)

    /**
     * A tp_del object that is not in a cycle. rc: it dies by count, tp_del runs once, its weak reference
     * is cleared. A tracing collector cannot tell garbage in a cycle from other garbage: it treats every
     * legacy object it finds as CPython treats one in a cycle (uncollectable, listed in gc.garbage, tp_del
     * not called, weak references intact) — where CPython's tearDown would find gc.garbage not empty.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.LegacyFinalizationTest.test_legacy")
    void legacy_test_legacy(CollectorProvider p) {
        start(p);
        py.set("s", make(LEGACY, true));
        List<Long> ids = List.of(py.id(py.get("s")));
        py.set("wr", py.ref(py.get("s"), null));
        py.del("s");
        py.collect();
        if (!py.countsReferences()) {
            assertTpDelCalls(List.of());
            assertEquals(List.of(py.deref(py.get("wr"))), py.fin.garbage(), "tracing: uncollectable, weak reference intact");
            return;
        }
        assertTpDelCalls(ids);
        assertSurvivors(List.of());
        assertEquals(0, py.deref(py.get("wr")));
        py.collect();
        assertTpDelCalls(ids);
        assertEquals(List.of(), py.fin.garbage());
    }

    /**
     * tp_del resurrects the object. CPython's subtype_dealloc clears weak references before it calls
     * tp_del, and tp_del has no "finalized" bit: at the next death by count it is called again (and
     * resurrects again). rc mirrors both; a tracing collector keeps the object as uncollectable.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.LegacyFinalizationTest.test_legacy_resurrect")
    void legacy_test_legacy_resurrect(CollectorProvider p) {
        start(p);
        py.set("s", make(LEGACY_RESURRECTOR, true));
        List<Long> ids = List.of(py.id(py.get("s")));
        py.set("wr", py.ref(py.get("s"), null));
        py.del("s");
        py.collect();
        if (!py.countsReferences()) {
            assertTpDelCalls(List.of());
            assertEquals(1, py.fin.garbage().size(), "tracing: uncollectable");
            return;
        }
        assertTpDelCalls(ids);
        assertSurvivors(ids);
        assertEquals(0, py.deref(py.get("wr")), "weak references are cleared before tp_del is called");
        assertFalse(py.fin.isFinalized(survivorObject()), "tp_del sets no finalized bit");
        clearSurvivors();
        py.collect();
        assertTpDelCalls(List.of(ids.getFirst(), ids.getFirst()));
        assertSurvivors(ids);
        cleaning = true;
        clearSurvivors();
        assertEquals(0, py.deref(py.get("wr")));
        assertEquals(2, py.heap.objectCount(), "freed at last: the survivors list and the weak reference are left");
    }

    private long survivorObject() { return py.m.getRef(py.get("survivors"), 0); }

    /**
     * A tp_del object in a self-cycle ends up in gc.garbage, uncalled, its weak reference alive. Breaking
     * the cycle and emptying gc.garbage frees it under rc (by count; tp_del runs then, unrecorded as in
     * CPython's clean-up); a tracing collector finds it garbage again and keeps it again.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_finalization.LegacyFinalizationTest.test_legacy_self_cycle")
    void legacy_test_legacy_self_cycle(CollectorProvider p) {
        start(p);
        py.set("s", make(LEGACY, true));
        selfCycle("s");
        List<Long> ids = List.of(py.id(py.get("s")));
        py.set("wr", py.ref(py.get("s"), null));
        py.del("s");
        py.collect();
        assertDelCalls(List.of());
        assertTpDelCalls(List.of());
        assertSurvivors(List.of());
        List<Long> garbage = py.fin.garbage();
        assertEquals(ids, garbage.stream().map(py::id).toList());
        assertNotEquals(0, py.deref(py.get("wr")));
        py.m.setRef(garbage.getFirst(), LEFT, 0); // gc.garbage[0].ref = None
        cleaning = true;
        py.gc.clearGarbage(); // the test's clean-up: gc.garbage.clear(); gc.collect()
        py.collect();
        if (py.countsReferences()) {
            assertEquals(List.of(), py.fin.garbage());
            assertEquals(0, py.deref(py.get("wr")));
        } else {
            assertEquals(1, py.fin.garbage().size(), "tracing: garbage again, uncollectable again");
            assertNotEquals(0, py.deref(py.get("wr")));
        }
    }
}
