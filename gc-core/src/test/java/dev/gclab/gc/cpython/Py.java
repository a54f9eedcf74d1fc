package dev.gclab.gc.cpython;

import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.plan.rc.RcCollector;
import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Heap;
import dev.gclab.heap.HeapConfig;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.heap.object.TrackingRule;
import org.junit.jupiter.api.Named;
import org.junit.jupiter.params.provider.Arguments;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * A small model of Python objects on a gclab heap, for the ports of CPython's own GC tests
 * ({@code docs/finalization.md}, "CPython tests ported").
 *
 * <p>The model, one layout per kind of Python object:
 * <ul>
 *   <li>an instance of a class with a {@code __dict__}: an {@code instance} object (slot 0: its class,
 *       slot 1: its {@code __dict__}) and a separate {@code dict} object — two objects, as the CPython
 *       tests count them ("the instance and its dict");</li>
 *   <li>a {@code dict}: a dict-like fixed layout ({@link TrackingRule#DICT}) of {@value #DICT_SLOTS}
 *       value slots; an attribute name is a slot index, the key itself an atomic object left out;</li>
 *   <li>a list: a {@code ref[]} (always tracked); a tuple: a tuple-like reference array
 *       ({@link TrackingRule#TUPLE});</li>
 *   <li>a class: a {@code type} object (slot 0: {@code __dict__}, 1: {@code __mro__}, a tuple that starts
 *       with the class itself — the self-cycle every class is in —, 2: {@code __bases__}); its
 *       {@code __dict__} holds a descriptor that refers back to the class (five objects in all);</li>
 *   <li>an object with {@code __slots__} and no dict: a fixed layout of reference slots; one without
 *       any reference (CPython's non-GC objects): a data-only layout, never tracked;</li>
 *   <li>a bound method ({@code func}, {@code self}), a function ({@code __globals__}, {@code __code__},
 *       the code an atomic {@code byte[]}), a frame (its local variables);</li>
 *   <li>{@code __del__}: {@code registerFinalizer}; {@code tp_del}: {@code registerLegacyFinalizer};
 *       {@code weakref.ref}: {@code newWeakRef}; {@code weakref.finalize}: {@code withFinalizer};
 *       {@code gc.collect()}: a full collection and {@code lastCollection().returned()}.</li>
 * </ul>
 * Python variables are gclab globals (roots) named after them: {@link #set}, {@link #get}, {@link #del}.
 * Every address is read back from a root after an allocation, as the rooting rule asks (a moving
 * collector may move objects at any allocation).
 *
 * <p>Collectors are chosen by what they are ({@link #everyCollector()}, {@link #refCounting()}),
 * never by name, so a new collector runs every port the day it is registered.
 */
final class Py implements AutoCloseable {
    static final int DICT_SLOTS = 8;

    final CollectorProvider provider;
    final Heap heap;
    final Collector gc;
    final Mutator m;
    final Finalization fin;
    final int instance, dict, tuple, type, slotted, nonGc, method, function, frame;
    /** Exceptions that reached the unraisable hook, as "where: message". */
    final List<String> unraisable = new ArrayList<>();
    /** Problems found inside finalizers and callbacks (they cannot fail the test themselves, as in CPython's tests). */
    final List<String> errors = new ArrayList<>();

    private Py(CollectorProvider provider, Map<String, String> options) {
        this.provider = provider;
        this.heap = new Heap(HeapConfig.of(16L << 20));
        this.gc = provider.create(heap, CollectorOptions.defaults().withVerify(true).withExtra(options));
        this.m = new Mutator(heap, gc);
        this.fin = gc.finalization();
        fin.setUnraisableHook((where, e) -> unraisable.add(where + ": " + e.getMessage()));
        LayoutRegistry l = heap.layouts();
        this.instance = l.fixed("instance", "rr");
        this.dict = l.fixed("dict", "r".repeat(DICT_SLOTS), TrackingRule.DICT);
        this.tuple = l.refArray("tuple", TrackingRule.TUPLE);
        this.type = l.fixed("type", "rrr");
        this.slotted = l.fixed("slotted", "rrdd");
        this.nonGc = l.fixed("nongc", "dd");
        this.method = l.fixed("method", "rr");
        this.function = l.fixed("function", "rr");
        this.frame = l.fixed("frame", "rrrr");
    }

    static Py start(CollectorProvider p) { return new Py(p, Map.of()); }

    static Py start(CollectorProvider p, Map<String, String> options) { return new Py(p, options); }

    /** Every registered collector in each of its variants (the rule is not about reference counting). */
    static Stream<Arguments> everyCollector() { return variants(p -> true, v -> true); }

    /** The collectors that count references (CPython's own kind), in each variant: the rule is about counts or the gc module. */
    static Stream<Arguments> refCounting() { return variants(p -> p.constraints().needsRefCounts(), v -> true); }

    /**
     * The reference-counting collectors in the variants that keep CPython 3.11's three generations (the
     * variant does not select CPython 3.14's incremental collection, {@code incremental=true}): for
     * the tests that assert the 3.11 schedule (collect(g) promotes survivors to generation g+1).
     */
    static Stream<Arguments> refCountingGenerations() {
        return variants(p -> p.constraints().needsRefCounts(), v -> !"true".equals(v.get("incremental")));
    }

    /** The reference-counting collectors in the variants that select CPython 3.14's incremental collection ({@code incremental=true}). */
    static Stream<Arguments> refCountingIncremental() {
        return variants(p -> p.constraints().needsRefCounts(), v -> "true".equals(v.get("incremental")));
    }

    private static Stream<Arguments> variants(java.util.function.Predicate<CollectorProvider> collectors, java.util.function.Predicate<Map<String, String>> which) {
        return CollectorRegistry.all().stream().filter(collectors).flatMap(p -> p.variants().stream().filter(which)
            .map(v -> dev.gclab.gc.VariantProviders.of(p, v)).map(q -> Arguments.of(Named.of(q.name(), q))));
    }

    /** True if objects die when their count reaches zero (rc); false if only at a collection (tracing). */
    boolean countsReferences() { return gc.constraints().needsRefCounts(); }

    /** CPython's {@code gc} module surface: the collector as rc (the test is skipped for another counting collector). */
    RcCollector rc() {
        assumeTrue(gc instanceof RcCollector, "the gc-module surface is rc's");
        return (RcCollector) gc;
    }

    @Override
    public void close() { heap.close(); }

    // ------------------------------------------------------------------ variables (global roots)

    void set(String name, long obj) { m.setGlobal(m.global(name), obj); }

    long get(String name) { return m.getGlobal(m.global(name)); }

    void del(String name) { set(name, 0); }

    // ------------------------------------------------------------------ gc module

    /** {@code gc.collect()}: a full collection; returns what CPython's would (collected + uncollectable). */
    long collect() {
        gc.collect(GcCause.EXPLICIT);
        return gc.lastCollection().returned();
    }

    /** {@code gc.collect(generation)} on rc. */
    long collect(int generation) { return rc().collectGeneration(generation, GcCause.EXPLICIT); }

    // ------------------------------------------------------------------ objects

    /**
     * A new object (nobody has stored it yet: store it before the next allocation). {@code build}
     * fills it while a frame holds it in slot 0.
     */
    private long make(long obj, java.util.function.LongConsumer build) {
        m.pushFrame(1);
        m.setLocal(0, obj);
        if (build != null) build.accept(obj);
        return m.popFrameReturning(0);
    }

    /** {@code cls()}: an instance of {@code cls} (0 for none) with an empty {@code __dict__}. */
    long instance(long cls) {
        m.pushFrame(2);
        m.setLocal(1, cls);
        long o = m.allocate(instance);
        m.setLocal(0, o);
        m.setRef(o, 0, m.local(1));
        m.setLocal(1, 0);
        long d = m.allocate(dict);
        m.setRef(m.local(0), 1, d);
        return m.popFrameReturning(0);
    }

    /** An instance without a class object (the class is immaterial to the test). */
    long instance() { return instance(0); }

    /** The {@code __dict__} of an instance or a class. */
    long dictOf(long obj) { return m.getRef(obj, m.layoutOf(obj) == type ? 0 : 1); }

    /** {@code obj.<attr> = value}: attribute number {@code attr} of obj's {@code __dict__}. */
    void setattr(long obj, int attr, long value) { m.setRef(dictOf(obj), attr, value); }

    long getattr(long obj, int attr) { return m.getRef(dictOf(obj), attr); }

    /** {@code {}}. */
    long dict() { return m.allocate(dict); }

    /** {@code [None] * n}: a list of n empty slots. */
    long list(int n) { return m.allocateArray(LayoutRegistry.REF_ARRAY, n); }

    /** A tuple of {@code items} (each must be rooted by the caller: they are read before the allocation). */
    long tuple(String... itemVars) {
        long t = m.allocateArray(tuple, itemVars.length);
        return make(t, o -> { for (int i = 0; i < itemVars.length; i++) m.setRef(m.local(0), i, get(itemVars[i])); });
    }

    /**
     * {@code class <name>(<bases>)}: a type object whose {@code __mro__} is (itself, bases...), so a new
     * class is in a cycle with its own mro tuple, as in CPython. {@code baseVars} name variables holding classes.
     */
    long newClass(String... baseVars) {
        m.pushFrame(1);
        long cls = m.allocate(type);
        m.setLocal(0, cls);
        long d = m.allocate(dict);
        m.setRef(m.local(0), 0, d);
        long descriptor = m.allocate(method); // the __dict__ / __weakref__ getset descriptors: they refer to the class
        m.setRef(d, DICT_SLOTS - 1, descriptor);
        m.setRef(descriptor, 0, m.local(0));
        long mro = m.allocateArray(tuple, 1 + baseVars.length);
        m.setRef(m.local(0), 1, mro);
        m.setRef(mro, 0, m.local(0));
        long bases = m.allocateArray(tuple, baseVars.length);
        m.setRef(m.local(0), 2, bases);
        mro = m.getRef(m.local(0), 1);
        for (int i = 0; i < baseVars.length; i++) {
            m.setRef(mro, 1 + i, get(baseVars[i]));
            m.setRef(bases, i, get(baseVars[i]));
        }
        return m.popFrameReturning(0);
    }

    /** The built-in classes {@code object} and {@code list} (variables of the same names): static, never garbage. */
    void builtins() {
        set("object", newClass());
        set("list", newClass("object"));
    }

    /** {@code dir(self)}: builds a dict of the attributes and a list of three names (atomic strings), then drops both. */
    void dir() {
        m.pushFrame(2);
        m.setLocal(0, dict());
        m.setLocal(1, list(3));
        for (int i = 0; i < 3; i++) {
            long name = m.allocateArray(LayoutRegistry.BYTE_ARRAY, 8);
            m.setRef(m.local(1), i, name);
        }
        m.popFrame();
    }

    /** {@code obj.method}: a bound method object referring to {@code self}. */
    long boundMethod(long self) {
        m.pushFrame(1);
        m.setLocal(0, self);
        long bm = m.allocate(method);
        m.setRef(bm, 1, m.local(0));
        m.setLocal(0, bm);
        return m.popFrameReturning(0);
    }

    /** An object with {@code __slots__} (no dict) and a Python id in data word 0. */
    long slotted(long id) {
        long o = m.allocate(slotted);
        m.setLong(o, 0, id);
        return o;
    }

    /** A non-GC object (no reference slots: never tracked) with a Python id in data word 0. */
    long nonGc(long id) {
        long o = m.allocate(nonGc);
        m.setLong(o, 0, id);
        return o;
    }

    long id(long obj) { return m.getLong(obj, 0); }

    /** {@code weakref.ref(referent, callback)}: a new object (store it). */
    long ref(long referent, dev.gclab.gc.finalize.WeakRefCallback cb) { return fin.newWeakRef(m, referent, cb); }

    /** {@code wr()}. */
    long deref(long wr) { return fin.weakRefGet(wr); }
}
