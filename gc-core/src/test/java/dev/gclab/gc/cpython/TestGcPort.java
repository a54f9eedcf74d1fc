package dev.gclab.gc.cpython;

import dev.gclab.gc.plan.rc.RcCollector;
import dev.gclab.gc.spi.CollectionOutcome;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.heap.object.LayoutRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.DisplayName;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import static org.junit.jupiter.api.Assertions.*;

/**
 * The GC-semantics tests of CPython's {@code Lib/test/test_gc.py}, on gclab (the classes
 * {@code GCTests}, {@code GCCallbackTests} and {@code GCTogglingTests}). Each test is named after the
 * CPython test it mirrors; CPython's scenario is rebuilt on the object model of {@link Py}. Tests about
 * the {@code gc} module's surface (counts, generations, thresholds, callbacks, stats, freeze, tracking)
 * run on the reference-counting collectors; the others on every collector, asserting the differences
 * {@code docs/finalization.md} states where a tracing collector differs by design.
 */
@DisplayName("CPython Lib/test/test_gc.py")
class TestGcPort {
    static final String EVERY = "dev.gclab.gc.cpython.Py#everyCollector";
    static final String RC = "dev.gclab.gc.cpython.Py#refCounting";
    /** Reference counting with CPython 3.11's generations (the tests that assert its schedule). */
    static final String RC_GENERATIONS = "dev.gclab.gc.cpython.Py#refCountingGenerations";
    /** Reference counting with CPython 3.14's incremental collection (its versions of those tests). */
    static final String RC_INCREMENTAL = "dev.gclab.gc.cpython.Py#refCountingIncremental";

    private Py py;
    private final List<String> log = new ArrayList<>();

    @AfterEach
    void end() {
        if (py == null) return;
        try {
            assertEquals(List.of(), py.errors, "problems seen inside finalizers and callbacks");
            assertEquals(List.of(), py.unraisable, "exceptions in finalizers and callbacks");
        } finally {
            py.close();
        }
    }

    // ------------------------------------------------------------------ GCTests: cycles of each kind

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_list")
    void test_list(CollectorProvider p) {
        py = Py.start(p);
        py.set("l", py.list(1));
        py.m.setRef(py.get("l"), 0, py.get("l")); // l.append(l)
        assertEquals(0, py.collect(), "l is still referenced");
        py.del("l");
        assertEquals(1, py.collect());
        assertEquals(0, py.heap.objectCount());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_dict")
    void test_dict(CollectorProvider p) {
        py = Py.start(p);
        py.set("d", py.dict());
        py.m.setRef(py.get("d"), 0, py.get("d")); // d[1] = d (the key, an int, is atomic and left out)
        assertEquals(0, py.collect());
        py.del("d");
        assertEquals(1, py.collect());
        assertEquals(0, py.heap.objectCount());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_tuple")
    void test_tuple(CollectorProvider p) {
        py = Py.start(p);
        py.set("l", py.list(1));
        py.set("t", py.tuple("l"));
        py.m.setRef(py.get("l"), 0, py.get("t")); // a tuple cannot refer to itself: a list closes the loop
        assertEquals(0, py.collect());
        py.del("t");
        py.del("l");
        assertEquals(2, py.collect());
        assertEquals(0, py.heap.objectCount());
    }

    /** A class object: its {@code __mro__} holds it, and here its {@code __dict__} too (A.a = A). */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_class")
    void test_class(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        long base = py.heap.objectCount();
        py.set("A", py.newClass("object"));
        py.setattr(py.get("A"), 0, py.get("A"));
        py.collect();
        py.del("A");
        long n = py.collect();
        assertNotEquals(0, n, "CPython asserts only that something was collected");
        assertEquals(5, n, "gclab's class: the type object, its __dict__ (and a descriptor in it), __mro__ and __bases__");
        assertEquals(base, py.heap.objectCount(), "only the built-in classes are left");
    }

    /** A class without any attribute is garbage once unnamed: every class is in a cycle with its mro. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_newstyleclass")
    void test_newstyleclass(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        long base = py.heap.objectCount();
        py.set("A", py.newClass("object"));
        py.collect();
        py.del("A");
        assertEquals(5, py.collect(), "not 0: the class and its mro tuple are a cycle");
        assertEquals(base, py.heap.objectCount());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_instance")
    void test_instance(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        py.set("A", py.newClass("object"));
        long base = py.heap.objectCount();
        py.set("a", py.instance(py.get("A")));
        py.setattr(py.get("a"), 0, py.get("a")); // a.a = a
        py.collect();
        py.del("a");
        assertEquals(2, py.collect(), "the instance and its __dict__ (CPython asserts only non-zero)");
        assertEquals(base, py.heap.objectCount());
    }

    /** Instances of classes with bases (a list subclass among them), then the classes themselves. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_newinstance")
    void test_newinstance(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        long base = py.heap.objectCount();
        py.set("A", py.newClass("object"));
        py.set("a", py.instance(py.get("A")));
        py.setattr(py.get("a"), 0, py.get("a"));
        py.collect();
        py.del("a");
        assertNotEquals(0, py.collect());
        py.set("B", py.newClass("list"));
        py.set("C", py.newClass("B", "A"));
        py.set("a", py.instance(py.get("C")));
        py.setattr(py.get("a"), 0, py.get("a"));
        py.collect();
        py.del("a");
        assertNotEquals(0, py.collect());
        py.del("B");
        py.del("C");
        assertNotEquals(0, py.collect(), "B and C are garbage; A lives on (a variable names it)");
        long inst = py.instance(py.get("A"));
        py.setattr(py.get("A"), 0, inst); // A.a = A()
        py.del("A");
        assertNotEquals(0, py.collect());
        assertEquals(0, py.collect());
        assertEquals(base, py.heap.objectCount());
    }

    /** self.init = self.__init__: a bound method refers to its instance. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_method")
    void test_method(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        py.set("A", py.newClass("object"));
        long base = py.heap.objectCount();
        py.set("a", py.instance(py.get("A")));
        long bm = py.boundMethod(py.get("a"));
        py.setattr(py.get("a"), 0, bm);
        py.collect();
        py.del("a");
        assertEquals(3, py.collect(), "the instance, its __dict__ and the bound method");
        assertEquals(base, py.heap.objectCount());
    }

    /** A frame whose local variable is the frame itself ({@code frame = sys._getframe()}). */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_frame")
    void test_frame(CollectorProvider p) {
        py = Py.start(p);
        py.collect();
        py.m.pushFrame(1); // f() is called
        long frame = py.m.allocate(py.frame);
        py.m.setLocal(0, frame);
        py.m.setRef(frame, 0, frame);
        py.m.popFrame(); // and returns
        assertEquals(1, py.collect());
        assertEquals(0, py.heap.objectCount());
    }

    /**
     * f -> globals dict -> f, and f -> its code. CPython counts 2: the code object is not a tracked
     * container. rc counts the same (the code, atomic here, dies by count when f is cleared); a tracing
     * collector counts every object it frees, the code too (docs/finalization.md: what a collection counts).
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_function")
    void test_function(CollectorProvider p) {
        py = Py.start(p);
        py.set("d", py.dict());
        py.set("f", py.m.allocate(py.function)); // exec("def f(): pass", d)
        py.m.setRef(py.get("f"), 0, py.get("d"));
        long code = py.m.allocateArray(LayoutRegistry.BYTE_ARRAY, 32);
        py.m.setRef(py.get("f"), 1, code);
        py.m.setRef(py.get("d"), 0, py.get("f"));
        py.del("f");
        py.collect();
        py.del("d");
        long n = py.collect();
        if (py.countsReferences()) assertEquals(2, n, "the function and its globals dict, as CPython");
        else assertEquals(3, n, "tracing: the code object too");
        assertEquals(0, py.heap.objectCount());
    }

    // ------------------------------------------------------------------ GCTests: legacy finalizers, gc.garbage

    /**
     * A tp_del object in a cycle is uncollectable and listed in gc.garbage; an ordinary cycle beside it
     * is collected. Once the cycle is broken and the object leaves gc.garbage, rc frees it by count,
     * calling tp_del then, as CPython does; a tracing collector cannot tell garbage in a cycle from
     * garbage that is not, so it keeps the object again at the next collection.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_legacy_finalizer")
    void test_legacy_finalizer(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        py.set("A", py.newClass("object"));
        py.set("B", py.newClass("object"));
        long base = py.heap.objectCount();
        py.set("a", py.instance(py.get("A")));
        py.setattr(py.get("a"), 0, py.get("a"));
        py.fin.registerLegacyFinalizer(py.get("a"), o -> log.add("tp_del"));
        py.set("b", py.instance(py.get("B")));
        py.setattr(py.get("b"), 0, py.get("b"));
        assertEquals(0, py.collect());
        py.del("a");
        py.del("b");
        assertNotEquals(0, py.collect());
        CollectionOutcome o = py.gc.lastCollection();
        assertEquals(2, o.uncollectable(), "a and its __dict__: " + o);
        assertEquals(2, o.collected(), "b and its __dict__: " + o);
        List<Long> garbage = py.fin.garbage();
        assertEquals(1, garbage.size(), "only the tp_del object is listed");
        long obj = garbage.getFirst();
        assertEquals(obj, py.getattr(obj, 0), "it is a, intact");
        assertEquals(List.of(), log, "tp_del is not called on cyclic garbage");
        py.setattr(obj, 0, 0); // del obj.a
        py.gc.clearGarbage(); // gc.garbage.remove(obj)
        if (py.countsReferences()) {
            assertEquals(List.of("tp_del"), log, "rc: a dies by count, and tp_del runs then");
            assertEquals(base, py.heap.objectCount());
        } else {
            py.collect();
            assertEquals(1, py.fin.garbage().size(), "tracing: a is garbage again, and again uncollectable");
            assertEquals(List.of(), log);
        }
    }

    /** As test_legacy_finalizer, on objects without a __dict__: only tp_del objects are listed, not what they keep. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_legacy_finalizer_newclass")
    void test_legacy_finalizer_newclass(CollectorProvider p) {
        py = Py.start(p);
        py.set("a", py.slotted(1));
        py.m.setRef(py.get("a"), 0, py.get("a"));
        long kept = py.slotted(2);
        py.m.setRef(py.get("a"), 1, kept);
        py.fin.registerLegacyFinalizer(py.get("a"), o -> log.add("tp_del"));
        py.set("b", py.slotted(3));
        py.m.setRef(py.get("b"), 0, py.get("b"));
        py.collect();
        py.del("a");
        py.del("b");
        assertEquals(3, py.collect());
        assertEquals(new CollectionOutcome(2, 3, 1, 2), py.gc.lastCollection(), "b collected; a and what it reaches uncollectable");
        List<Long> garbage = py.fin.garbage();
        assertEquals(1, garbage.size());
        assertEquals(1, py.id(garbage.getFirst()));
        py.m.setRef(garbage.getFirst(), 0, 0);
        py.gc.clearGarbage();
        if (py.countsReferences()) {
            assertEquals(List.of("tp_del"), log);
            assertEquals(0, py.heap.objectCount());
        }
    }

    /**
     * DEBUG_UNCOLLECTABLE / the shutdown warning count gc.garbage: a tp_del object x in a cycle that
     * also keeps a second tp_del object y lists both in gc.garbage ("2 uncollectable objects").
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_garbage_at_shutdown")
    void test_garbage_at_shutdown(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        py.set("X", py.newClass("object"));
        py.set("x", py.instance(py.get("X"))); // X('first')
        py.fin.registerLegacyFinalizer(py.get("x"), o -> log.add("tp_del"));
        py.setattr(py.get("x"), 0, py.get("x"));
        long y = py.instance(py.get("X")); // X('second')
        py.setattr(py.get("x"), 1, y);
        py.fin.registerLegacyFinalizer(py.getattr(py.get("x"), 1), o -> log.add("tp_del"));
        py.del("x");
        long n = py.collect();
        if (py.countsReferences()) assertEquals(3, n, "x, its __dict__ and y; y's __dict__ holds no container, so it is untracked and not counted");
        else assertEquals(4, n, "tracing counts every object: x, y and their __dict__s");
        List<Long> garbage = py.fin.garbage();
        assertEquals(2, garbage.size(), "both tp_del objects are in gc.garbage: " + garbage);
        long first = garbage.stream().filter(g -> py.getattr(g, 0) == g).findFirst().orElseThrow();
        assertEquals(Set.of(first, py.getattr(first, 1)), Set.copyOf(garbage));
        assertEquals(List.of(), log);
    }

    /** DEBUG_SAVEALL: cyclic garbage is kept in gc.garbage instead of freed. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_saveall")
    void test_saveall(CollectorProvider p) {
        py = Py.start(p);
        py.collect();
        assertEquals(List.of(), py.fin.garbage());
        py.set("L", py.list(1));
        py.m.setRef(py.get("L"), 0, py.get("L"));
        py.fin.setSaveAll(true);
        py.del("L");
        py.collect();
        py.fin.setSaveAll(false);
        List<Long> garbage = py.fin.garbage();
        assertEquals(1, garbage.size());
        long obj = garbage.getFirst();
        assertEquals(obj, py.m.getRef(obj, 0), "it is L, with its reference intact");
        py.gc.clearGarbage(); // gc.garbage.pop(), and the popped list goes with the test's frame
        py.collect();
        assertEquals(0, py.heap.objectCount());
    }

    // ------------------------------------------------------------------ GCTests: __del__ and automatic collection

    /** __del__ that allocates, with threshold 1: its allocations run collections while the object dies. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(RC)
    @DisplayName("test_gc.GCTests.test_del")
    void test_del(CollectorProvider p) {
        py = Py.start(p);
        RcCollector rc = py.rc();
        int[] thresholds = rc.thresholds();
        rc.setEnabled(true);
        rc.setThresholds(1);
        py.builtins();
        py.set("A", py.newClass("object"));
        py.set("a", py.instance(py.get("A")));
        py.fin.registerFinalizer(py.get("a"), o -> {
            long before = rc.stats().cycles();
            py.dir();
            py.dir();
            log.add(rc.stats().cycles() > before ? "__del__ (collected inside)" : "__del__");
        });
        py.set("wr", py.ref(py.get("a"), null));
        py.del("a");
        assertEquals(List.of("__del__ (collected inside)"), log);
        assertEquals(0, py.deref(py.get("wr")), "a is gone");
        rc.setThresholds(thresholds);
        py.collect();
    }

    /**
     * As test_del, with the object in a self-cycle: its __del__ runs inside an automatic collection and
     * allocates past the threshold there, which never starts a second collection inside the first.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(RC)
    @DisplayName("test_gc.GCTests.test_del_newclass")
    void test_del_newclass(CollectorProvider p) {
        py = Py.start(p);
        RcCollector rc = py.rc();
        int[] depth = {0};
        rc.addCallback((phase, g, c, u) -> {
            depth[0] += phase.equals("start") ? 1 : -1;
            if (depth[0] > 1) py.errors.add("a collection started inside another");
        });
        rc.setEnabled(true);
        rc.setThresholds(1);
        py.builtins();
        py.set("A", py.newClass("object"));
        py.set("a", py.instance(py.get("A")));
        py.setattr(py.get("a"), 0, py.get("a"));
        py.fin.registerFinalizer(py.get("a"), o -> {
            py.dir();
            log.add(depth[0] == 1 ? "__del__ inside a collection" : "__del__ outside a collection");
        });
        py.set("wr", py.ref(py.get("a"), null));
        py.del("a");
        py.set("junk", py.list(5_000));
        for (int i = 0; i < 5_000 && py.deref(py.get("wr")) != 0; i++) {
            long l = py.list(0);
            py.m.setRef(py.get("junk"), i, l); // kept: a count that drops at each death would never cross the threshold
        }
        assertEquals(List.of("__del__ inside a collection"), log);
        assertEquals(0, py.deref(py.get("wr")), "an automatic collection freed it");
        assertEquals(0, depth[0]);
    }

    /**
     * CPython's trashcan: long chains of lists and dicts holding objects whose __del__ calls
     * gc.collect() every 17th time, dropped while automatic collection is on; plus a chain far deeper
     * than a recursive deallocation could take. Every __del__ runs exactly once and everything is freed.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_trashcan")
    void test_trashcan(CollectorProvider p) {
        py = Py.start(p);
        final int n = 150;
        Set<Long> finalized = new HashSet<>();
        int[] calls = {0};
        dev.gclab.gc.finalize.Finalizer ouch = o -> {
            calls[0]++;
            if (!finalized.add(py.id(o))) py.errors.add("finalized twice: " + py.id(o));
            if (calls[0] % 17 == 0) py.collect();
        };
        long nextId = 1;
        for (int count = 0; count < 2; count++) {
            for (String chain : new String[] {"t", "u"}) {
                py.set(chain, py.list(0));
                for (int i = 0; i < n; i++) { // t = [t, Ouch()]
                    py.set("tmp", py.list(2));
                    py.m.setRef(py.get("tmp"), 0, py.get(chain));
                    long o = py.slotted(nextId++);
                    py.fin.registerFinalizer(o, ouch);
                    py.m.setRef(py.get("tmp"), 1, o);
                    py.set(chain, py.get("tmp"));
                }
            }
            py.set("v", py.dict());
            for (int i = 0; i < n; i++) { // v = {1: v, 2: Ouch()}
                py.set("tmp", py.dict());
                py.m.setRef(py.get("tmp"), 0, py.get("v"));
                long o = py.slotted(nextId++);
                py.fin.registerFinalizer(o, ouch);
                py.m.setRef(py.get("tmp"), 1, o);
                py.set("v", py.get("tmp"));
            }
        }
        for (String v : new String[] {"t", "u", "v", "tmp"}) py.del(v);
        py.collect();
        py.collect();
        assertEquals(6 * n, finalized.size(), "every Ouch finalized");
        assertEquals(6 * n, calls[0], "and only once");
        assertEquals(0, py.heap.objectCount());

        if (py.countsReferences()) py.rc().setEnabled(false); // gc.disable(): the deep chain is about freeing, not detection
        py.set("deep", py.list(0));
        for (int i = 0; i < 100_000; i++) {
            py.set("tmp", py.list(1));
            py.m.setRef(py.get("tmp"), 0, py.get("deep"));
            py.set("deep", py.get("tmp"));
        }
        py.del("tmp");
        py.del("deep"); // rc: the whole chain dies by count here, iteratively
        if (py.countsReferences()) assertEquals(0, py.heap.objectCount());
        py.collect();
        assertEquals(0, py.heap.objectCount());
    }

    /** a <-> b through their __dict__s: collecting them runs no user code and leaves gc.garbage alone. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_boom")
    void test_boom(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        py.set("Boom", py.newClass("object"));
        long base = py.heap.objectCount();
        py.set("a", py.instance(py.get("Boom")));
        py.set("b", py.instance(py.get("Boom")));
        py.setattr(py.get("a"), 0, py.get("b"));
        py.setattr(py.get("b"), 0, py.get("a"));
        py.collect();
        int garbageLen = py.fin.garbage().size();
        py.del("a");
        py.del("b");
        assertEquals(4, py.collect(), "a, b and their __dict__s");
        assertEquals(garbageLen, py.fin.garbage().size());
        assertEquals(base, py.heap.objectCount());
    }

    /**
     * CPython's Boom2 breaks the trash cycle from user code run during the collection; gclab's user code
     * during a collection is a finalizer: a's __del__ deletes a.attr. The cycle is reclaimed all the same,
     * gc.garbage untouched. What is counted differs: the four objects die by count while the finalizer
     * runs, and CPython (so rc) counts only what is left after finalizers; a tracing collector counts
     * every object it frees.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_boom2")
    void test_boom2(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        py.set("Boom2", py.newClass("object"));
        long base = py.heap.objectCount();
        py.set("a", py.instance(py.get("Boom2")));
        py.set("b", py.instance(py.get("Boom2")));
        py.setattr(py.get("a"), 0, py.get("b"));
        py.setattr(py.get("b"), 0, py.get("a"));
        py.fin.registerFinalizer(py.get("a"), self -> { log.add("__del__"); py.setattr(self, 0, 0); });
        py.collect();
        int garbageLen = py.fin.garbage().size();
        py.del("a");
        py.del("b");
        long n = py.collect();
        assertEquals(List.of("__del__"), log);
        if (py.countsReferences()) assertEquals(0, n, "rc: all four died by count during the finalizer: none is left to count");
        else assertEquals(4, n, "tracing: the four objects freed");
        assertEquals(garbageLen, py.fin.garbage().size());
        assertEquals(base, py.heap.objectCount());
    }

    // ------------------------------------------------------------------ GCTests: the gc module

    @ParameterizedTest(name = "{0}")
    @MethodSource(RC)
    @DisplayName("test_gc.GCTests.test_get_count")
    void test_get_count(CollectorProvider p) {
        py = Py.start(p);
        RcCollector rc = py.rc();
        py.collect();
        long[] abc = rc.generationCounts();
        py.set("x", py.list(0));
        long[] def = rc.generationCounts();
        assertArrayEquals(new long[] {0, 0}, new long[] {abc[1], abc[2]});
        assertArrayEquals(new long[] {0, 0}, new long[] {def[1], def[2]});
        assertTrue(abc[0] < 5, "count[0] after a full collection: " + abc[0]);
        assertTrue(def[0] > abc[0], "the list was counted");
    }

    /** A list trickles from generation to generation with each collect(g); get_count follows. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(RC_GENERATIONS)
    @DisplayName("test_gc.GCTests.test_collect_generations")
    void test_collect_generations(CollectorProvider p) {
        py = Py.start(p);
        RcCollector rc = py.rc();
        py.collect();
        py.set("x", py.list(0));
        assertEquals(0, rc.generationOf(py.get("x")));
        py.collect(0);
        long[] c = rc.generationCounts();
        assertArrayEquals(new long[] {1, 0}, new long[] {c[1], c[2]});
        assertEquals(1, rc.generationOf(py.get("x")));
        py.collect(1);
        c = rc.generationCounts();
        assertArrayEquals(new long[] {0, 1}, new long[] {c[1], c[2]});
        assertEquals(2, rc.generationOf(py.get("x")));
        py.collect(2);
        c = rc.generationCounts();
        assertArrayEquals(new long[] {0, 0}, new long[] {c[1], c[2]});
        assertEquals(2, rc.generationOf(py.get("x")));
        assertThrows(IllegalArgumentException.class, () -> py.collect(3), "gc.collect(3) is a ValueError");
    }

    /** gc.get_objects(generation=g): a new object is in generation 0 and moves up with each collect(g). */
    @ParameterizedTest(name = "{0}")
    @MethodSource(RC_GENERATIONS)
    @DisplayName("test_gc.GCTests.test_get_objects")
    void test_get_objects(CollectorProvider p) {
        py = Py.start(p);
        RcCollector rc = py.rc();
        py.collect();
        py.set("l", py.list(1));
        py.m.setRef(py.get("l"), 0, py.get("l"));
        int[] seen = new int[3];
        for (int g = 0; g < 3; g++) {
            seen[g] = rc.generationOf(py.get("l"));
            py.collect(g);
        }
        assertArrayEquals(new int[] {0, 1, 2}, seen);
        assertEquals(2, rc.generationOf(py.get("l")), "collect(2) keeps it in generation 2");
        py.del("l");
        assertEquals(1, py.collect());
    }

    /**
     * 3.14's version of test_collect_generations: gc.collect(0) moves a young object to the old
     * generation (its visited space), which get_count's second figure counts; a full collection zeroes
     * the old counts.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(RC_INCREMENTAL)
    @DisplayName("test_gc.GCTests.test_collect_generations (3.14)")
    void test_collect_generations_314(CollectorProvider p) {
        py = Py.start(p);
        RcCollector rc = py.rc();
        py.collect();
        py.set("x", py.list(0));
        assertEquals(0, rc.generationOf(py.get("x")));
        py.collect(0);
        long[] c = rc.generationCounts();
        assertArrayEquals(new long[] {1, 0}, new long[] {c[1], c[2]}, "x is now in the old generation");
        assertEquals(2, rc.generationOf(py.get("x")));
        py.collect(2);
        c = rc.generationCounts();
        assertArrayEquals(new long[] {0, 0}, new long[] {c[1], c[2]});
        assertThrows(IllegalArgumentException.class, () -> py.collect(3), "gc.collect(3) is a ValueError");
    }

    /** 3.14's test_get_objects_generations: young (0) until collected, then old (2); generation 1 is always empty. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(RC_INCREMENTAL)
    @DisplayName("test_gc.GCTests.test_get_objects_generations (3.14)")
    void test_get_objects_generations_314(CollectorProvider p) {
        py = Py.start(p);
        RcCollector rc = py.rc();
        py.collect();
        py.set("l", py.list(1));
        py.m.setRef(py.get("l"), 0, py.get("l"));
        assertEquals(0, rc.generationOf(py.get("l")));
        py.collect();
        assertEquals(2, rc.generationOf(py.get("l")), "old, and never in generation 1");
        py.del("l");
        assertEquals(1, py.collect());
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(RC)
    @DisplayName("test_gc.GCTests.test_get_stats")
    void test_get_stats(CollectorProvider p) {
        py = Py.start(p);
        RcCollector rc = py.rc();
        long[][] stats = rc.generationStats();
        assertEquals(3, stats.length);
        for (long[] st : stats) {
            assertEquals(3, st.length, "collections, collected, uncollectable");
            for (long v : st) assertTrue(v >= 0);
        }
        rc.setEnabled(false);
        long[][] old = rc.generationStats();
        py.collect(0);
        long[][] now = rc.generationStats();
        assertEquals(old[0][0] + 1, now[0][0]);
        assertEquals(old[1][0], now[1][0]);
        assertEquals(old[2][0], now[2][0]);
        py.collect(2);
        now = rc.generationStats();
        assertEquals(old[0][0] + 1, now[0][0], "collect(2) counts as a collection of generation 2 only");
        assertEquals(old[1][0], now[1][0]);
        assertEquals(old[2][0] + 1, now[2][0]);
    }

    /** gc.freeze() moves everything tracked to the permanent generation; unfreeze() back to the oldest. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(RC)
    @DisplayName("test_gc.GCTests.test_freeze")
    void test_freeze(CollectorProvider p) {
        py = Py.start(p);
        RcCollector rc = py.rc();
        py.set("l", py.list(1));
        py.m.setRef(py.get("l"), 0, py.get("l"));
        rc.freeze();
        assertTrue(rc.freezeCount() > 0);
        assertArrayEquals(new long[] {0, 0, 0}, rc.generationCounts());
        py.del("l");
        assertEquals(0, py.collect(), "frozen garbage is never found");
        rc.unfreeze();
        assertEquals(0, rc.freezeCount());
        assertEquals(1, py.collect(), "unfrozen, it is in generation 2, and garbage");
    }

    /** gc.is_tracked: atomic objects and objects without reference slots are not tracked; containers are. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(RC)
    @DisplayName("test_gc.GCTests.test_is_tracked")
    void test_is_tracked(CollectorProvider p) {
        py = Py.start(p);
        RcCollector rc = py.rc();
        py.builtins();
        py.set("bytes", py.m.allocateArray(LayoutRegistry.BYTE_ARRAY, 1)); // b"a", "a", bytearray
        assertFalse(rc.isTracked(py.get("bytes")));
        py.set("float", py.m.allocateArray(LayoutRegistry.LONG_ARRAY, 2)); // 1, 1.0, 1.0 + 5.0j
        assertFalse(rc.isTracked(py.get("float")));
        py.set("obj", py.nonGc(0)); // object(), UserClassSlots(): no reference slot
        assertFalse(rc.isTracked(py.get("obj")));
        py.set("UserClass", py.newClass("list"));
        assertTrue(rc.isTracked(py.get("UserClass")), "a class");
        py.set("inst", py.instance(py.get("UserClass")));
        assertTrue(rc.isTracked(py.get("inst")), "an instance");
        py.set("l", py.list(0));
        assertTrue(rc.isTracked(py.get("l")), "[]");
        py.set("d", py.dict());
        assertFalse(rc.isTracked(py.get("d")), "{}: dicts are created untracked");
    }

    /** gc.is_finalized: false before __del__ ran, true after, on the resurrected object. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_is_finalized")
    void test_is_finalized(CollectorProvider p) {
        py = Py.start(p);
        py.set("three", py.m.allocateArray(LayoutRegistry.BYTE_ARRAY, 1));
        assertFalse(py.fin.isFinalized(py.get("three")));
        py.set("storage", py.list(1));
        py.set("lazarus", py.instance());
        py.fin.registerFinalizer(py.get("lazarus"), o -> py.m.setRef(py.get("storage"), 0, o)); // storage.append(self)
        assertFalse(py.fin.isFinalized(py.get("lazarus")));
        py.del("lazarus");
        py.collect();
        py.set("lazarus", py.m.getRef(py.get("storage"), 0)); // storage.pop()
        py.m.setRef(py.get("storage"), 0, 0);
        assertNotEquals(0, py.get("lazarus"));
        assertTrue(py.fin.isFinalized(py.get("lazarus")));
    }

    // ------------------------------------------------------------------ GCTests: resurrection

    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_resurrection_only_happens_once_per_object")
    void test_resurrection_only_happens_once_per_object(CollectorProvider p) {
        py = Py.start(p);
        int[] resurrected = {0};
        py.set("instances", py.list(1));
        py.collect();
        py.set("laz", py.instance());
        py.setattr(py.get("laz"), 0, py.get("laz")); // self.me = self
        py.fin.registerFinalizer(py.get("laz"), o -> { resurrected[0]++; py.m.setRef(py.get("instances"), 0, o); });
        assertEquals(0, resurrected[0]);
        py.del("laz");
        py.collect();
        assertEquals(1, resurrected[0]);
        assertNotEquals(0, py.m.getRef(py.get("instances"), 0));
        py.m.setRef(py.get("instances"), 0, 0); // Lazarus.resurrected_instances.clear()
        py.collect();
        assertEquals(1, resurrected[0], "not resurrected again");
        assertEquals(1, py.heap.objectCount(), "laz is gone: only the instances list is left");
    }

    /** A resurrected object keeps everything it reaches, intact: laz <-> cargo, laz resurrects itself. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_resurrection_is_transitive")
    void test_resurrection_is_transitive(CollectorProvider p) {
        py = Py.start(p);
        py.set("instances", py.list(1));
        py.collect();
        py.set("laz", py.slotted(1));
        py.fin.registerFinalizer(py.get("laz"), o -> py.m.setRef(py.get("instances"), 0, o));
        py.set("cargo", py.slotted(2));
        py.m.setRef(py.get("cargo"), 1, py.get("cargo")); // cargo.me = cargo
        py.m.setRef(py.get("laz"), 0, py.get("cargo")); // laz.cargo = cargo
        py.m.setRef(py.get("cargo"), 0, py.get("laz")); // cargo.laz = laz
        py.del("laz");
        py.del("cargo");
        py.collect();
        long instance = py.m.getRef(py.get("instances"), 0);
        assertNotEquals(0, instance, "resurrected");
        py.m.setRef(py.get("instances"), 0, 0);
        py.set("instance", instance);
        long cargo = py.m.getRef(py.get("instance"), 0);
        assertEquals(2, py.id(cargo), "instance.cargo is the same cargo");
        assertEquals(cargo, py.m.getRef(cargo, 1), "and intact");
        assertEquals(py.get("instance"), py.m.getRef(cargo, 0));
        py.collect();
    }

    /**
     * Resurrected objects are not counted as collected (gc.collect()'s result and gc.get_stats()), and
     * do not keep other garbage from being collected. Each A is an instance and its __dict__.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_resurrection_does_not_block_cleanup_of_other_objects")
    void test_resurrection_does_not_block_cleanup_of_other_objects(CollectorProvider p) {
        py = Py.start(p);
        final int n = 100;
        py.set("zs", py.list(2));
        int[] zs = {0};
        Runnable makeA = () -> { long a = py.instance(); py.setattr(a, 0, a); };
        Runnable makeZ = () -> {
            long z = py.instance();
            py.setattr(z, 0, z);
            py.fin.registerFinalizer(z, o -> py.m.setRef(py.get("zs"), zs[0]++, o)); // zs.append(self)
        };
        py.collect();
        if (py.countsReferences()) py.rc().setEnabled(false);

        long[] old = stats();
        for (int i = 0; i < n; i++) makeA.run();
        assertEquals(2 * n, py.collect());
        assertArrayEquals(new long[] {2 * n, 0}, delta(old));

        old = stats();
        makeZ.run();
        assertEquals(0, py.collect(), "Z is merely resurrected");
        assertArrayEquals(new long[] {0, 0}, delta(old));

        old = stats();
        for (int i = 0; i < n; i++) makeA.run();
        makeZ.run();
        assertEquals(2 * n, py.collect(), "Z does not keep the A's from being collected");
        assertArrayEquals(new long[] {2 * n, 0}, delta(old));

        old = stats();
        py.m.setRef(py.get("zs"), 0, 0); // zs.clear()
        py.m.setRef(py.get("zs"), 1, 0);
        assertEquals(4, py.collect(), "the two Z and their __dict__s");
        assertArrayEquals(new long[] {4, 0}, delta(old));
        assertEquals(1, py.heap.objectCount());
    }

    /** Cumulative {collected, uncollectable}: gc.get_stats()[-1] for rc; summed from lastCollection otherwise. */
    private final long[] traced = new long[2];

    private long[] stats() {
        if (py.countsReferences()) {
            long[] s = py.rc().generationStats()[2];
            return new long[] {s[1], s[2]};
        }
        return traced.clone();
    }

    private long[] delta(long[] old) {
        if (!py.countsReferences()) {
            CollectionOutcome o = py.gc.lastCollection();
            traced[0] += o.collected();
            traced[1] += o.uncollectable();
        }
        long[] now = stats();
        return new long[] {now[0] - old[0], now[1] - old[1]};
    }

    // ------------------------------------------------------------------ GCTests: weak references and gc (bug 1055820)

    /** Callbacks that materialize every weak reference's referent see them all cleared, never a damaged object. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_bug1055820b")
    void test_bug1055820b(CollectorProvider p) {
        py = Py.start(p);
        List<Long> ouch = new ArrayList<>();
        dev.gclab.gc.finalize.WeakRefCallback callback = ignored -> {
            ouch.clear();
            for (int k = 0; k < 2; k++) ouch.add(py.deref(py.m.getRef(py.get("WRs"), k)));
        };
        py.set("Cs", py.list(2));
        py.set("WRs", py.list(2));
        for (int i = 0; i < 2; i++) {
            long c = py.instance(); // C1055820(i): self.loop = self
            py.m.setRef(py.get("Cs"), i, c);
            py.setattr(c, 0, c);
        }
        for (int i = 0; i < 2; i++) {
            long w = py.ref(py.m.getRef(py.get("Cs"), i), callback);
            py.m.setRef(py.get("WRs"), i, w);
        }
        py.collect();
        assertEquals(0, ouch.size());
        py.del("Cs");
        py.collect();
        assertEquals(2, ouch.size(), "the callbacks ran");
        assertEquals(List.of(0L, 0L), ouch, "every weak reference was cleared before any callback");
    }

    /**
     * gc.collect() must cope with a __del__ that mutates the trash (sets self.attr = None) while a plain
     * object beside it in the cycle holds what it drops.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(EVERY)
    @DisplayName("test_gc.GCTests.test_bug21435")
    void test_bug21435(CollectorProvider p) {
        py = Py.start(p);
        py.builtins();
        py.set("A", py.newClass("object"));
        py.set("B", py.newClass("object"));
        py.collect();
        long base = py.heap.objectCount();
        py.m.pushFrame(2); // do_work()
        py.m.setLocal(0, py.instance(py.get("A")));
        py.m.setLocal(1, py.instance(py.get("B")));
        long x = py.instance(py.get("A"));
        py.setattr(py.m.local(1), 1, x); // b = B(A())
        py.fin.registerFinalizer(py.m.local(1), self -> { log.add("B.__del__"); py.setattr(self, 0, 0); });
        py.setattr(py.m.local(0), 0, py.m.local(1)); // a.attr = b
        py.setattr(py.m.local(1), 0, py.m.local(0)); // b.attr = a
        py.m.popFrame();
        py.collect();
        py.collect();
        assertEquals(List.of("B.__del__"), log);
        assertEquals(base, py.heap.objectCount());
    }

    // ------------------------------------------------------------------ GCCallbackTests

    private record Visit(int callback, String phase, int generation, long collected, long uncollectable) {}

    private final List<Visit> visit = new ArrayList<>();
    private boolean cleanup;

    /** setUp: automatic collection off, two callbacks; the second one empties gc.garbage of Uncollectables at "stop" once asked to. */
    private RcCollector callbacks(CollectorProvider p) {
        py = Py.start(p);
        RcCollector rc = py.rc();
        rc.setEnabled(false);
        rc.addCallback((phase, g, c, u) -> visit.add(new Visit(1, phase, g, c, u)));
        rc.addCallback((phase, g, c, u) -> {
            visit.add(new Visit(2, phase, g, c, u));
            if (phase.equals("stop") && cleanup) {
                for (long e : py.fin.garbage()) if (py.fin.isLegacy(e)) py.setattr(e, 0, 0); // e.partner = None
                rc.clearGarbage();
            }
        });
        py.collect(); // preclean
        rc.clearGarbage();
        visit.clear();
        return rc;
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(RC)
    @DisplayName("test_gc.GCCallbackTests.test_collect")
    void test_collect(CollectorProvider p) {
        callbacks(p);
        py.collect();
        assertEquals(List.of(1, 2, 1, 2), visit.stream().map(Visit::callback).toList());
        assertEquals(List.of("start", "start", "stop", "stop"), visit.stream().map(Visit::phase).toList());
        for (Visit v : visit) {
            assertEquals(2, v.generation());
            assertTrue(v.collected() >= 0 && v.uncollectable() >= 0);
        }
    }

    @ParameterizedTest(name = "{0}")
    @MethodSource(RC)
    @DisplayName("test_gc.GCCallbackTests.test_collect_generation")
    void test_collect_generation(CollectorProvider p) {
        callbacks(p);
        py.collect(2);
        assertEquals(4, visit.size());
        for (Visit v : visit) assertEquals(2, v.generation());
        visit.clear();
        py.collect(0);
        for (Visit v : visit) assertEquals(0, v.generation());
    }

    /**
     * Two Uncollectable pairs (tp_del objects partnered in a cycle, four objects each with their
     * __dict__s) and a C1055820: 2 collected, 8 uncollectable. Then gc.garbage is emptied while the
     * loop variable of the test's own check ({@code for e in gc.garbage}) still holds one Uncollectable:
     * the next collection finds only the other pair (4 uncollectable), which the stop callback breaks up.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(RC)
    @DisplayName("test_gc.GCCallbackTests.test_collect_garbage")
    void test_collect_garbage(CollectorProvider p) {
        RcCollector rc = callbacks(p);
        py.builtins();
        py.set("Uncollectable", py.newClass("object"));
        for (int i = 0; i < 2; i++) { // Uncollectable(): self.partner = Uncollectable(partner=self)
            py.set("self", py.instance(py.get("Uncollectable")));
            long partner = py.instance(py.get("Uncollectable"));
            py.setattr(py.get("self"), 0, partner);
            py.setattr(py.getattr(py.get("self"), 0), 0, py.get("self"));
            py.fin.registerLegacyFinalizer(py.get("self"), o -> {});
            py.fin.registerLegacyFinalizer(py.getattr(py.get("self"), 0), o -> {});
            py.del("self");
        }
        long c = py.instance(); // C1055820(666)
        py.setattr(c, 0, c);
        py.collect();
        List<Visit> stops = visit.stream().filter(v -> v.phase().equals("stop")).toList();
        assertEquals(2, stops.size());
        for (Visit v : stops) {
            assertEquals(2, v.collected(), "the C1055820 and its __dict__");
            assertEquals(8, v.uncollectable(), "two pairs of Uncollectables with their __dict__s");
        }
        List<Long> garbage = py.fin.garbage();
        assertEquals(4, garbage.size());
        for (long e : garbage) assertTrue(py.fin.isLegacy(e), "only Uncollectables are in gc.garbage");
        py.set("e", garbage.getLast()); // the loop variable stays bound to the last element

        cleanup = true;
        visit.clear();
        rc.clearGarbage(); // gc.garbage[:] = []
        py.collect();
        stops = visit.stream().filter(v -> v.phase().equals("stop")).toList();
        assertEquals(2, stops.size());
        for (Visit v : stops) {
            assertEquals(0, v.collected());
            assertEquals(4, v.uncollectable(), "one pair: the other is held by e");
        }
        assertEquals(List.of(), py.fin.garbage(), "the callback broke up the Uncollectables and let them go");
    }

    // ------------------------------------------------------------------ GCTogglingTests (automatic collection)

    /**
     * c0 in generation 2 is kept only by c1, a self-loop in generation 0; c2 (a self-loop in generation 0
     * too) has a weak reference without callback; c0's weak reference has a callback that reads c2's.
     * A generation-0 collection that happens "naturally" (by allocation) clears c1, so c0 dies by count
     * and its callback runs: it must see c2's weak reference already cleared, not a damaged c2.
     */
    @ParameterizedTest(name = "{0}")
    @MethodSource(RC)
    @DisplayName("test_gc.GCTogglingTests.test_bug1055820c")
    void test_bug1055820c(CollectorProvider p) {
        bug1055820(p, false);
    }

    /** As test_bug1055820c, with a __del__ on c0 (d0) in place of the weak reference callback. */
    @ParameterizedTest(name = "{0}")
    @MethodSource(RC)
    @DisplayName("test_gc.GCTogglingTests.test_bug1055820d")
    void test_bug1055820d(CollectorProvider p) {
        bug1055820(p, true);
    }

    private static final int LOOP = 0, KEEP = 1;

    private void bug1055820(CollectorProvider p, boolean withDel) {
        py = Py.start(p);
        RcCollector rc = py.rc();
        rc.setEnabled(true);
        List<Long> ouch = new ArrayList<>();
        py.set("c0", c1055820());
        if (withDel) py.fin.registerFinalizer(py.get("c0"), o -> { ouch.clear(); ouch.add(py.deref(py.get("c2wr"))); });
        py.collect();
        assertEquals(2, rc.generationOf(py.get("c0")), "c0 is in generation 2");
        py.set("c1", c1055820());
        py.setattr(py.get("c1"), KEEP, py.get("c0"));
        py.setattr(py.get("c0"), LOOP, 0); // del c0.loop: now only c1 keeps c0 alive
        py.set("c2", c1055820());
        py.set("c2wr", py.ref(py.get("c2"), null));
        if (!withDel) py.set("c0wr", py.ref(py.get("c0"), w -> { ouch.clear(); ouch.add(py.deref(py.get("c2wr"))); }));
        py.del("c0");
        py.del("c1");
        py.del("c2");
        boolean[] gcHappened = {false}; // GC_Detector: a weak reference to a new piece of cyclic trash
        py.set("detector", py.ref(c1055820(), w -> gcHappened[0] = true));
        py.set("junk", py.list(10_001));
        for (int i = 0; !gcHappened[0]; i++) {
            assertTrue(i < 10_000, "gc didn't happen after 10000 iterations");
            assertEquals(0, ouch.size());
            long l = py.list(0);
            py.m.setRef(py.get("junk"), i, l); // junk.append([])
        }
        assertEquals(1, ouch.size(), withDel ? "__del__ ran" : "the callback ran");
        assertEquals(0L, ouch.getFirst(), "c2 was not resurrected: its weak reference was cleared first");
    }

    /** C1055820(i): an instance in a self-loop (self.loop = self). */
    private long c1055820() {
        long c = py.instance();
        py.setattr(c, LOOP, c);
        return c;
    }
}
