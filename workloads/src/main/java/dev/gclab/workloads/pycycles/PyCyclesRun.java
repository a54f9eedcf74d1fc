package dev.gclab.workloads.pycycles;

import dev.gclab.gc.finalize.FinalizeHandle;
import dev.gclab.gc.finalize.Finalization;
import dev.gclab.gc.finalize.WeakRefCallback;
import dev.gclab.gc.spi.Collector;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Mutator;
import dev.gclab.heap.object.LayoutRegistry;
import dev.gclab.workloads.Trees;
import dev.gclab.workloads.WorkloadContext;
import dev.gclab.workloads.graph.Lcg;

import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * One run of {@link PyCycles}: the heap structures, the program's own record of what it did (which
 * entries it dropped, which resources it holds), and the checks. Finalizers, weak-reference callbacks
 * and cleanups only record what they see (errors included: they run inside collections, where an
 * exception would only reach the unraisable hook); the program throws on the first recorded error
 * after each step.
 *
 * <p>Rooting. Everything still needed across an allocation is in a frame slot, a global array or
 * an object reachable from one, and is re-read from there after allocating; Java locals hold
 * addresses only between allocations.
 */
final class PyCyclesRun {
    static final String NODE = "pycycles.node";         // next, chord (or payload data), index
    static final String ENTRY = "pycycles.entry";       // payload chain, self (cyclic entries), id
    static final String RESOURCE = "pycycles.resource"; // buffer, partner (cyclic resources), id
    static final String CACHE = "pycycles.cache";
    static final String OWNERS = "pycycles.owners";
    static final String KEEP = "pycycles.keep";
    static final String RESOURCES = "pycycles.resources";
    static final String REVIVED = "pycycles.revived";
    static final int BUFFER_BYTES = 32;
    static final int PAYLOAD_NODES = 3;
    static final int PAYLOAD_LONGS = 4;
    private static final int MAX_REPORTED_ERRORS = 5;

    private enum Task { PAIR, TEN, RING, TREE, RESOURCE, EVICT }

    private final WorkloadContext ctx;
    private final PyCycles.Plan plan;
    private final Mutator m;
    private final Collector collector;
    private final Finalization fin;
    /** Every choice of the program proper (tasks, shapes, resources, which entry to drop). */
    private final Lcg lcg;
    /**
     * The choices made for new cache entries. When an entry is refilled depends on when its eviction
     * callback runs, which differs between collectors; with a stream of its own, the rest of the
     * program is the same under every collector.
     */
    private final Lcg entryLcg;
    private final int node;
    private final int entry;
    private final int resource;
    private final int cacheGlobal;
    private final int ownersGlobal;
    private final int keepGlobal;
    private final int resourcesGlobal;
    private final int revivedGlobal;
    private final List<String> errors = new ArrayList<>();

    // the cache
    private final int[] entryAt;
    private final BitSet entryDropped = new BitSet();
    private final BitSet entryEvicted = new BitSet();
    private final ArrayDeque<Integer> refill = new ArrayDeque<>();
    private int nextEntry;
    private long evictions;

    // the resources
    private final int[] resourceAt;
    private final BitSet held = new BitSet();
    private final BitSet cyclicResource = new BitSet();
    private final BitSet resurrector = new BitSet();
    private final BitSet finalized = new BitSet();
    private final BitSet revived = new BitSet();
    private final Map<Integer, FinalizeHandle> handles = new LinkedHashMap<>();
    private final BitSet cleaned = new BitSet();
    private int closingEarly = -1;
    private int nextResource;
    private int revivedCount;
    private long finalizersRun;
    private long resurrections;
    private long cleanupsEarly;
    private long cleanupsByDeath;

    private long explicitCollections;
    private long cyclesBuilt;
    private long treesBuilt;
    private long tensBuilt;

    PyCyclesRun(WorkloadContext ctx, PyCycles.Plan plan) {
        this.ctx = ctx;
        this.plan = plan;
        this.m = ctx.mutator();
        this.collector = ctx.collector();
        this.fin = collector.finalization();
        this.lcg = new Lcg(ctx.seed());
        this.entryLcg = new Lcg(ctx.seed() * 0x9E3779B97F4A7C15L + 0x632BE59BD9B4E019L);
        this.node = m.layouts().fixed(NODE, "rrd");
        this.entry = m.layouts().fixed(ENTRY, "rrd");
        this.resource = m.layouts().fixed(RESOURCE, "rrd");
        this.cacheGlobal = m.global(CACHE);
        this.ownersGlobal = m.global(OWNERS);
        this.keepGlobal = m.global(KEEP);
        this.resourcesGlobal = m.global(RESOURCES);
        this.revivedGlobal = m.global(REVIVED);
        this.entryAt = new int[plan.cacheSlots()];
        this.resourceAt = new int[plan.resourceSlots()];
        java.util.Arrays.fill(entryAt, -1);
        java.util.Arrays.fill(resourceAt, -1);
    }

    // ------------------------------------------------------------------ phases

    void setUp() {
        fin.setUnraisableHook((where, e) -> error("exception in " + where + ": " + e));
        m.setGlobal(cacheGlobal, m.allocateArray(LayoutRegistry.REF_ARRAY, plan.cacheSlots()));
        m.setGlobal(ownersGlobal, m.allocateArray(LayoutRegistry.REF_ARRAY, plan.cacheSlots()));
        m.setGlobal(keepGlobal, m.allocateArray(LayoutRegistry.REF_ARRAY, plan.keepSlots()));
        m.setGlobal(resourcesGlobal, m.allocateArray(LayoutRegistry.REF_ARRAY, plan.resourceSlots()));
        m.setGlobal(revivedGlobal, m.allocateArray(LayoutRegistry.REF_ARRAY, plan.revivedSlots()));
        for (int i = 0; i < plan.cacheSlots(); i++) newEntry(i);
        for (int j = 0; j < plan.resourceSlots(); j++) newResource(j);
        drainRefills();
        throwIfErrors("setting up");
        ctx.log().accept(String.format(java.util.Locale.ROOT,
            "pycycles: %d rounds; per round %,d 2-cycles, %,d 10-cycles, %,d rings of %,d, %,d trees of %,d, "
                + "%,d resources (%,d held), %,d of %,d cache entries evicted; about %,d objects; seed %d",
            plan.rounds(), plan.pairs(), plan.tens(), plan.rings(), plan.ringLength(), plan.trees(), Trees.size(plan.treeDepth()),
            plan.resources(), plan.resourceSlots(), plan.evictions(), plan.cacheSlots(),
            plan.rounds() * plan.objectsPerRound(), ctx.seed()));
    }

    void round(int r) {
        dropRevived();
        Task[] tasks = tasks();
        for (Task t : tasks) {
            switch (t) {
                case PAIR -> pair();
                case TEN -> ten();
                case RING -> ring();
                case TREE -> tree();
                case RESOURCE -> newResource(lcg.nextIndex(plan.resourceSlots()));
                case EVICT -> evict();
            }
            drainRefills();
            throwIfErrors("round " + (r + 1) + ", " + t.name().toLowerCase(java.util.Locale.ROOT));
        }
        checkCache("after round " + (r + 1), false);
        if (plan.collectEvery() > 0 && (r + 1) % plan.collectEvery() == 0) {
            explicitCollection();
            drainRefills();
            throwIfErrors("the explicit collection after round " + (r + 1));
            checkCache("after the explicit collection of round " + (r + 1), false);
        }
    }

    /** The final checks with everything in place, then the teardown and the empty-heap check. */
    void finish() {
        explicitCollection();
        throwIfErrors("the final collection");
        checkCache("after the final collection", true);
        checkResources();
        checkCounters("after the final collection");

        // Teardown. The cache's weak references go first: garbage weak references never call back.
        long evictionsBefore = evictions;
        for (int i = 0; i < entryAt.length; i++) if (entryAt[i] >= 0) entryDropped.set(entryAt[i]);
        held.clear();
        java.util.Arrays.fill(resourceAt, -1);
        m.setGlobal(cacheGlobal, 0);
        m.setGlobal(ownersGlobal, 0);
        m.setGlobal(keepGlobal, 0);
        m.setGlobal(resourcesGlobal, 0);
        m.setGlobal(revivedGlobal, 0);
        explicitCollection();
        explicitCollection(); // frees what the first one's callbacks released (withFinalizer weak references)
        throwIfErrors("the teardown");
        if (evictions != evictionsBefore) {
            fail((evictions - evictionsBefore) + " eviction callbacks ran for weak references that were garbage themselves");
        }
        if (finalized.cardinality() != nextResource || finalizersRun != nextResource) {
            BitSet missing = new BitSet();
            missing.set(0, nextResource);
            missing.andNot(finalized);
            fail(String.format("after dropping everything %,d of %,d resources were finalized (%,d finalizer calls); never finalized: %s",
                finalized.cardinality(), nextResource, finalizersRun, first(missing)));
        }
        for (Map.Entry<Integer, FinalizeHandle> e : handles.entrySet()) {
            if (e.getValue().isAlive() || !cleaned.get(e.getKey())) {
                fail("the withFinalizer cleanup of resource " + e.getKey() + " never ran, though the resource died");
            }
        }
        checkCounters("after the teardown");
        long left = m.heap().objectCount();
        if (left != 0) {
            fail(String.format("%,d objects are still in use after every root was dropped and two full collections ran", left));
        }
        ctx.log().accept(String.format(java.util.Locale.ROOT,
            "pycycles: %,d objects; %,d cycles and rings, %,d trees; %,d evictions; %,d resources finalized (%,d resurrected); "
                + "%,d cleanups (%,d called early); %d explicit collections; all checks passed",
            m.heap().counters().allocations, cyclesBuilt, treesBuilt, evictions, finalizersRun, resurrections,
            cleanupsEarly + cleanupsByDeath, cleanupsEarly, explicitCollections));
    }

    PyCycles.Outcome outcome() {
        return new PyCycles.Outcome(m.heap().counters().allocations, explicitCollections, cyclesBuilt, treesBuilt,
            nextEntry, evictions, nextResource, finalizersRun, resurrections, handles.size(), cleanupsEarly, cleanupsByDeath);
    }

    /** The round's tasks in an order shuffled by the seed (Fisher-Yates). */
    private Task[] tasks() {
        int n = plan.pairs() + plan.tens() + plan.rings() + plan.trees() + plan.resources() + plan.evictions();
        Task[] tasks = new Task[n];
        int k = 0;
        for (int i = 0; i < plan.pairs(); i++) tasks[k++] = Task.PAIR;
        for (int i = 0; i < plan.tens(); i++) tasks[k++] = Task.TEN;
        for (int i = 0; i < plan.rings(); i++) tasks[k++] = Task.RING;
        for (int i = 0; i < plan.trees(); i++) tasks[k++] = Task.TREE;
        for (int i = 0; i < plan.resources(); i++) tasks[k++] = Task.RESOURCE;
        for (int i = 0; i < plan.evictions(); i++) tasks[k++] = Task.EVICT;
        for (int i = n - 1; i > 0; i--) {
            int j = lcg.nextIndex(i + 1);
            Task t = tasks[i];
            tasks[i] = tasks[j];
            tasks[j] = t;
        }
        return tasks;
    }

    private void explicitCollection() {
        collector.collect(GcCause.EXPLICIT);
        explicitCollections++;
    }

    // ------------------------------------------------------------------ cycles and trees

    /** A 2-cycle, garbage at once. */
    private void pair() {
        m.pushFrame(1);
        m.setLocal(0, m.allocate(node));
        long b = m.allocate(node);
        m.setRef(b, 0, m.local(0));
        m.setRef(m.local(0), 0, b);
        m.popFrame();
        cyclesBuilt++;
    }

    /** A 10-cycle; every other one is parked in the keep array (it dies when a later one takes its slot). */
    private void ten() {
        m.pushFrame(2); // 0: first node, 1: last node allocated
        m.setLocal(0, m.allocate(node));
        m.setLocal(1, m.local(0));
        for (int i = 1; i < 10; i++) {
            long next = m.allocate(node);
            m.setLong(next, 0, i);
            m.setRef(next, 0, m.local(1));
            m.setLocal(1, next);
        }
        m.setRef(m.local(0), 0, m.local(1));
        if ((tensBuilt++ & 1) == 0) park(m.local(0));
        m.popFrame();
        cyclesBuilt++;
    }

    /** A ring with random chords (one node in four), built through a temporary ref[] and parked in the keep array. */
    private void ring() {
        int n = plan.ringLength();
        m.pushFrame(1);
        m.setLocal(0, m.allocateArray(LayoutRegistry.REF_ARRAY, n));
        for (int k = 0; k < n; k++) {
            long x = m.allocate(node);
            m.setLong(x, 0, k);
            m.setRef(m.local(0), k, x);
        }
        long nodes = m.local(0); // no allocation from here on
        for (int k = 0; k < n; k++) {
            long x = m.getRef(nodes, k);
            m.setRef(x, 0, m.getRef(nodes, k + 1 == n ? 0 : k + 1));
            if (lcg.nextIndex(4) == 0) m.setRef(x, 1, m.getRef(nodes, lcg.nextIndex(n)));
        }
        park(m.getRef(nodes, 0));
        m.popFrame(); // the temporary array dies; the ring lives in the keep array
        cyclesBuilt++;
    }

    /** Stores {@code obj} in a random slot of the keep array; whatever was there becomes garbage. */
    private void park(long obj) {
        m.setRef(m.getGlobal(keepGlobal), lcg.nextIndex(plan.keepSlots()), obj);
    }

    /** A tree, bottom-up or top-down in turn, checked and dropped (under rc it dies by count). */
    private void tree() {
        int depth = plan.treeDepth();
        m.pushFrame(1);
        if ((treesBuilt & 1) == 0) m.setLocal(0, Trees.makeTree(m, node, depth));
        else Trees.makeTreeTopDown(m, node, depth, 0);
        long count = countTree(m.local(0), depth);
        if (count != Trees.size(depth)) fail("tree " + treesBuilt + " has " + count + " nodes, expected " + Trees.size(depth));
        m.popFrame();
        treesBuilt++;
    }

    private long countTree(long root, int depth) {
        long[] stack = new long[depth + 2];
        int sp = 0;
        stack[sp++] = root;
        long n = 0;
        while (sp > 0) {
            long x = stack[--sp];
            n++;
            long l = m.getRef(x, 0);
            long r = m.getRef(x, 1);
            if (sp + 2 > stack.length) fail("tree " + treesBuilt + " is deeper than " + depth + " levels");
            if (l != 0) stack[sp++] = l;
            if (r != 0) stack[sp++] = r;
        }
        return n;
    }

    // ------------------------------------------------------------------ the cache

    /** A new entry for cache slot {@code slot}: owned by the owners array, reached by the cache through a weak reference. */
    private void newEntry(int slot) {
        int id = nextEntry++;
        boolean cyclic = entryLcg.nextIndex(4) == 0;
        m.pushFrame(1);
        m.setLocal(0, m.allocate(entry));
        m.setLong(m.local(0), 0, id);
        for (int k = PAYLOAD_NODES - 1; k >= 0; k--) { // prepend: the chain reads 0, 1, 2 from the entry
            long x = m.allocate(node);
            m.setLong(x, 0, k);
            m.setRef(x, 0, m.getRef(m.local(0), 0));
            m.setRef(m.local(0), 0, x);
        }
        long data = m.allocateArray(LayoutRegistry.LONG_ARRAY, PAYLOAD_LONGS);
        for (int q = 0; q < PAYLOAD_LONGS; q++) m.setLong(data, q, (long) id * PAYLOAD_LONGS + q);
        m.setRef(tail(m.local(0)), 1, data);
        if (cyclic) m.setRef(m.local(0), 1, m.local(0));
        m.setRef(m.getGlobal(ownersGlobal), slot, m.local(0));
        entryAt[slot] = id;
        long w = fin.newWeakRef(m, m.local(0), evictionCallback(slot, id));
        m.setRef(m.getGlobal(cacheGlobal), slot, w); // the previous weak reference (already called back) becomes garbage
        m.popFrame();
    }

    private long tail(long e) {
        long x = m.getRef(e, 0);
        for (int k = 1; k < PAYLOAD_NODES; k++) x = m.getRef(x, 0);
        return x;
    }

    private WeakRefCallback evictionCallback(int slot, int id) {
        return w -> {
            evictions++;
            if (entryEvicted.get(id)) error("the eviction callback of cache entry " + id + " ran twice");
            entryEvicted.set(id);
            if (!entryDropped.get(id)) error("the eviction callback of cache entry " + id + " ran while the owners array holds it");
            if (fin.weakRefGet(w) != 0) error("the weak reference to cache entry " + id + " was not cleared when its callback ran");
            if (entryAt[slot] != id) error("cache slot " + slot + " holds entry " + entryAt[slot] + ", but the callback of entry " + id + " ran for it");
            else refill.add(slot);
        };
    }

    /** Drops the owner of a random live entry; its weak reference calls back when the entry is collected. */
    private void evict() {
        int n = entryAt.length;
        int i = lcg.nextIndex(n);
        for (int probe = 0; probe < n; probe++, i = i + 1 == n ? 0 : i + 1) {
            if (!entryDropped.get(entryAt[i])) {
                entryDropped.set(entryAt[i]);
                m.setRef(m.getGlobal(ownersGlobal), i, 0);
                return;
            }
        }
        // every entry is awaiting collection: nothing to evict this time
    }

    /** New entries for the slots whose eviction callbacks ran (they may trigger more callbacks). */
    private void drainRefills() {
        while (!refill.isEmpty()) newEntry(refill.poll());
    }

    /**
     * Every slot: a live entry is reached by its weak reference and intact; a dropped one is still
     * reached (not collected yet) or, at the end, was collected, called back and its weak reference cleared.
     */
    private void checkCache(String when, boolean atEnd) {
        long cache = m.getGlobal(cacheGlobal);
        long owners = m.getGlobal(ownersGlobal);
        for (int i = 0; i < entryAt.length; i++) {
            int id = entryAt[i];
            long owner = m.getRef(owners, i);
            long w = m.getRef(cache, i);
            if (w == 0 || !fin.isWeakRef(w)) fail(when + ": cache slot " + i + " holds no weak reference");
            long referent = fin.weakRefGet(w);
            if (owner != 0) {
                if (entryDropped.get(id)) fail(when + ": cache slot " + i + " still owns entry " + id + ", which was dropped");
                if (referent != owner) {
                    fail(String.format("%s: the weak reference of live cache entry %d (slot %d) reads 0x%x, not the entry at 0x%x",
                        when, id, i, referent, owner));
                }
                checkEntry(when, i, owner, id);
            } else {
                if (!entryDropped.get(id)) fail(when + ": cache slot " + i + " lost entry " + id + ", which was never dropped");
                if (atEnd) {
                    if (!entryEvicted.get(id)) fail(when + ": dropped cache entry " + id + " (slot " + i + ") was never called back");
                    if (referent != 0) fail(String.format("%s: the weak reference to dropped cache entry %d still reads 0x%x", when, id, referent));
                } else {
                    if (entryEvicted.get(id)) fail(when + ": cache slot " + i + " was called back but not refilled");
                    if (referent == 0) fail(when + ": the weak reference to dropped cache entry " + id + " was cleared without its callback");
                    if (m.getLong(referent, 0) != id) fail(when + ": the weak reference to dropped cache entry " + id + " reads another object");
                }
            }
        }
        if (atEnd && !entryDropped.equals(entryEvicted)) {
            BitSet notCalled = (BitSet) entryDropped.clone();
            notCalled.andNot(entryEvicted);
            fail(String.format("%s: %,d entries were dropped, %,d called back; never called back: %s",
                when, entryDropped.cardinality(), entryEvicted.cardinality(), first(notCalled)));
        }
        if (atEnd && evictions != entryEvicted.cardinality()) {
            fail(when + ": " + evictions + " eviction callbacks ran for " + entryEvicted.cardinality() + " entries");
        }
    }

    private void checkEntry(String when, int slot, long e, int id) {
        if (m.getLong(e, 0) != id) fail(when + ": cache entry in slot " + slot + " carries id " + m.getLong(e, 0) + ", expected " + id);
        long x = m.getRef(e, 0);
        for (int k = 0; k < PAYLOAD_NODES; k++) {
            if (x == 0 || m.getLong(x, 0) != k) fail(when + ": the payload of cache entry " + id + " is damaged at node " + k);
            if (k + 1 < PAYLOAD_NODES) x = m.getRef(x, 0);
        }
        long data = m.getRef(x, 1);
        if (data == 0 || m.length(data) != PAYLOAD_LONGS) fail(when + ": the payload data of cache entry " + id + " is gone");
        for (int q = 0; q < PAYLOAD_LONGS; q++) {
            if (m.getLong(data, q) != (long) id * PAYLOAD_LONGS + q) fail(when + ": the payload data of cache entry " + id + " is damaged");
        }
        long self = m.getRef(e, 1);
        if (self != 0 && self != e) fail(when + ": cache entry " + id + " refers to another object than itself");
    }

    // ------------------------------------------------------------------ resources

    /** A new resource in table slot {@code slot}; the one it replaces is dropped (and sometimes closed early). */
    private void newResource(int slot) {
        int id = nextResource++;
        boolean cyclic = lcg.nextIndex(4) == 0;
        boolean withCleanup = plan.cleanups() > 0 && lcg.nextIndex(plan.cleanups()) == 0;
        boolean resurrects = plan.resurrect() > 0 && lcg.nextIndex(plan.resurrect()) == 0 && !withCleanup;
        boolean closeOldEarly = lcg.nextIndex(4) == 0;
        m.pushFrame(1);
        m.setLocal(0, m.allocate(resource));
        m.setLong(m.local(0), 0, id);
        long buf = m.allocateArray(LayoutRegistry.BYTE_ARRAY, BUFFER_BYTES);
        m.setByte(buf, 0, (byte) id);
        m.setByte(buf, BUFFER_BYTES - 1, (byte) (id >>> 8));
        m.setRef(m.local(0), 0, buf);
        if (cyclic) {
            long p = m.allocate(node);
            m.setRef(p, 0, m.local(0));
            m.setRef(m.local(0), 1, p);
            cyclicResource.set(id);
        }
        if (resurrects) resurrector.set(id);
        fin.registerFinalizer(m.local(0), this::onFinalize);
        if (withCleanup) handles.put(id, fin.withFinalizer(m, m.local(0), cleanup(id)));
        int old = resourceAt[slot];
        if (old >= 0) {
            FinalizeHandle h = handles.get(old);
            if (h != null && closeOldEarly) {
                closingEarly = old;
                boolean ran = h.isAlive();
                h.call();
                closingEarly = -1;
                if (!ran) error("the withFinalizer cleanup of live resource " + old + " had already run");
            }
            held.clear(old);
        }
        resourceAt[slot] = id;
        held.set(id);
        m.setRef(m.getGlobal(resourcesGlobal), slot, m.local(0)); // the old resource is dropped here
        m.popFrame();
    }

    /** The finalizer of every resource (PEP 442: at most once, with the resource and what it references intact). */
    private void onFinalize(long obj) {
        long raw = m.getLong(obj, 0);
        if (raw < 0 || raw >= nextResource) {
            error(String.format("a finalizer ran for 0x%x, which carries no resource id (%d)", obj, raw));
            return;
        }
        int id = (int) raw;
        finalizersRun++;
        if (finalized.get(id)) error("the finalizer of resource " + id + " ran twice");
        finalized.set(id);
        if (held.get(id)) error("the finalizer of resource " + id + " ran while the table holds it");
        long buf = m.getRef(obj, 0);
        if (buf == 0 || m.getByte(buf, 0) != (byte) id || m.getByte(buf, BUFFER_BYTES - 1) != (byte) (id >>> 8)) {
            error("the finalizer of resource " + id + " found its buffer damaged");
        }
        if (cyclicResource.get(id)) {
            long p = m.getRef(obj, 1);
            if (p == 0 || m.getRef(p, 0) != obj) error("the finalizer of resource " + id + " found its cycle broken");
        }
        if (resurrector.get(id) && revivedCount < plan.revivedSlots()) {
            long arr = m.getGlobal(revivedGlobal);
            if (arr != 0) {
                m.setRef(arr, revivedCount++, obj);
                revived.set(id);
                resurrections++;
            }
        }
    }

    private Runnable cleanup(int id) {
        return () -> {
            if (cleaned.get(id)) error("the withFinalizer cleanup of resource " + id + " ran twice");
            cleaned.set(id);
            if (closingEarly == id) {
                cleanupsEarly++;
            } else {
                cleanupsByDeath++;
                if (held.get(id)) error("the withFinalizer cleanup of resource " + id + " ran while the table holds it");
            }
        };
    }

    /** Drops last round's resurrected resources: they die for good, and their finalizers must not run again. */
    private void dropRevived() {
        long arr = m.getGlobal(revivedGlobal);
        int n = revivedCount;
        for (int k = 0; k < n; k++) {
            long obj = m.getRef(arr, k);
            if (obj == 0) continue;
            revived.clear((int) m.getLong(obj, 0));
            m.setRef(arr, k, 0);
        }
        revivedCount = 0;
        throwIfErrors("dropping resurrected resources");
    }

    /** Held resources are intact and unfinalized, everything else was finalized, cleanups match. */
    private void checkResources() {
        long table = m.getGlobal(resourcesGlobal);
        for (int j = 0; j < resourceAt.length; j++) {
            long obj = m.getRef(table, j);
            int id = resourceAt[j];
            if (obj == 0 || m.getLong(obj, 0) != id) fail("resource table slot " + j + " lost resource " + id);
            long buf = m.getRef(obj, 0);
            if (buf == 0 || m.getByte(buf, 0) != (byte) id) fail("the buffer of held resource " + id + " is damaged");
            if (fin.isFinalized(obj)) fail("held resource " + id + " is marked finalized");
        }
        BitSet expected = new BitSet();
        expected.set(0, nextResource);
        expected.andNot(held);
        if (!expected.equals(finalized)) {
            BitSet missing = (BitSet) expected.clone();
            missing.andNot(finalized);
            BitSet extra = (BitSet) finalized.clone();
            extra.andNot(expected);
            fail(String.format("after the final collection %,d resources are dropped and %,d finalized; dropped but not finalized: %s; "
                + "finalized but held: %s", expected.cardinality(), finalized.cardinality(), first(missing), first(extra)));
        }
        long arr = m.getGlobal(revivedGlobal);
        for (int k = 0; k < revivedCount; k++) {
            long obj = m.getRef(arr, k);
            if (obj == 0) fail("resurrected resource slot " + k + " is empty");
            int id = (int) m.getLong(obj, 0);
            if (!revived.get(id) || !fin.isFinalized(obj)) fail("resurrected resource " + id + " is not recorded as finalized");
        }
        for (Map.Entry<Integer, FinalizeHandle> e : handles.entrySet()) {
            int id = e.getKey();
            boolean alive = e.getValue().isAlive();
            if (held.get(id) && (!alive || cleaned.get(id))) fail("the withFinalizer cleanup of held resource " + id + " ran");
            if (!held.get(id) && (alive || !cleaned.get(id))) fail("the withFinalizer cleanup of dropped resource " + id + " did not run");
        }
    }

    /** The collector's finalization counters agree with what the program's finalizers and callbacks saw. */
    private void checkCounters(String when) {
        Map<String, Long> c = fin.counters();
        long fr = c.getOrDefault("finalizers_run", -1L);
        long cb = c.getOrDefault("weakref_callbacks_run", -1L);
        if (fr != finalizersRun) fail(when + ": the collector counts " + fr + " finalizer calls, the resources saw " + finalizersRun);
        if (cb != evictions + cleanupsByDeath) {
            fail(when + ": the collector counts " + cb + " weak-reference callbacks, the program saw " + evictions
                + " evictions and " + cleanupsByDeath + " cleanups by death");
        }
    }

    // ------------------------------------------------------------------ errors

    private void error(String message) { errors.add(message); }

    private void throwIfErrors(String where) {
        if (errors.isEmpty()) return;
        List<String> shown = errors.subList(0, Math.min(MAX_REPORTED_ERRORS, errors.size()));
        fail("during " + where + ": " + String.join("; ", shown) + (errors.size() > shown.size() ? "; and " + (errors.size() - shown.size()) + " more" : ""));
    }

    private void fail(String message) {
        throw new IllegalStateException("pycycles: " + message + " (collector " + collector.name() + ", seed " + ctx.seed()
            + ", size " + ctx.size() + ")");
    }

    private static String first(BitSet b) {
        StringBuilder sb = new StringBuilder("[");
        int shown = 0;
        for (int i = b.nextSetBit(0); i >= 0 && shown < 10; i = b.nextSetBit(i + 1), shown++) sb.append(shown == 0 ? "" : ", ").append(i);
        if (b.cardinality() > shown) sb.append(", ...");
        return sb.append(']').toString();
    }
}
