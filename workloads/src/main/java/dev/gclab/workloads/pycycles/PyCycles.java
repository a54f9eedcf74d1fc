package dev.gclab.workloads.pycycles;

import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.workloads.Params;
import dev.gclab.workloads.Trees;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadContext;

import java.util.LinkedHashMap;
import java.util.Map;

/**
 * {@code pycycles}: the object life cycles of a CPython program, in the spirit of pyperformance's
 * {@code gc_collect} and {@code gc_traversal}, on one seeded, sized program.
 *
 * <p>Per round, in an order shuffled by the seed: 2-cycles and 10-cycles, rings with random chords
 * (cyclic garbage: freed by tracing, or by rc's cycle detector; half the 10-cycles and every ring
 * are first parked in a {@code keep} array and die when a later one takes their slot, so they age
 * through the generations); binary trees built and dropped (die by count under rc); evictions from a
 * long-lived cache; "resources" replaced in a long-lived table. The cache is a {@code ref[]} of weak
 * references (held by a global) to entries that an {@code owners} array keeps alive; an eviction
 * drops the owner, and the weak reference's callback counts the eviction and queues the slot for a
 * new entry (a quarter of the entries refer to themselves, so under rc only the cycle detector frees
 * them). Every resource has a PEP 442 finalizer that counts closes and checks that it sees the
 * resource intact; one in {@code resurrect} resurrects its resource into a {@code revived} array,
 * which the next round drops again (the finalizer must not run twice); one in {@code cleanups} also
 * has a {@code withFinalizer} cleanup, a quarter of which are called early when the resource is
 * replaced. Every {@code collect_every} rounds an explicit full collection runs.
 *
 * <p>At the end (after an explicit collection) the run checks, and throws {@link IllegalStateException}
 * if any fails: every finalizer, callback and cleanup ran at most once and never for an object the
 * program still holds; every resource that was dropped was finalized, every dropped cache entry's
 * callback ran and its weak reference reads null; every live entry's weak reference still points at
 * it and its payload is intact; the collector's finalizer and callback counters match the program's.
 * Then it drops every root, collects twice and requires an empty heap: all resources were finalized
 * exactly once, all cleanups and callbacks ran, nothing leaked.
 *
 * <p>One program for every collector. All choices come from the seed; those for new cache entries
 * come from a stream of their own, because when a slot is refilled depends on when its callback runs
 * (at once under rc, at the next collection under a tracing collector). So the cycles, trees,
 * resources and cleanups, and the number of evictions, are the same under every collector; the
 * refills' timing (and so which slot an eviction finds live, and a few allocations) and which
 * resources find a free slot to resurrect into may differ.
 *
 * <p>Size 1.0 allocates about 1.25 million objects over 12 rounds; every per-round count and table
 * scales with {@code size} (at least one of each).
 */
public final class PyCycles implements Workload {
    static final String NAME = "pycycles";

    static final int PAIRS = 10_000;
    static final int TENS = 2_000;
    static final int RINGS = 8;
    static final int TREES = 50;
    static final int TREE_DEPTH = 9;
    static final int RESOURCE_SLOTS = 500;
    static final int KEEP_SLOTS = 256;
    static final int REVIVED_SLOTS = 64;
    /** The longest ref[] that fits one 64 MiB chunk. */
    static final int MAX_ARRAY = (int) ((HeapMemory.CHUNK_BYTES - ObjectModel.HEADER_BYTES) / 8);

    /**
     * The counts of one run.
     *
     * @param rounds        rounds of churn
     * @param pairs         2-cycles per round (garbage at once)
     * @param tens          10-cycles per round (every other one parked in the keep array first)
     * @param rings         rings per round (parked in the keep array)
     * @param ringLength    nodes per ring
     * @param trees         trees per round, built and dropped
     * @param treeDepth     depth of each tree
     * @param cacheSlots    entries in the weak-reference cache
     * @param evictions     cache entries dropped per round
     * @param resources     resources created per round
     * @param resourceSlots resources held at a time
     * @param keepSlots     slots of the keep array
     * @param revivedSlots  slots for resurrected resources
     * @param collectEvery  an explicit collection after every this many rounds (0: only at the end)
     * @param resurrect     one resource in this many resurrects itself (0: none)
     * @param cleanups      one resource in this many has a withFinalizer cleanup (0: none)
     */
    public record Plan(int rounds, int pairs, int tens, int rings, int ringLength, int trees, int treeDepth,
                       int cacheSlots, int evictions, int resources, int resourceSlots, int keepSlots,
                       int revivedSlots, int collectEvery, int resurrect, int cleanups) {

        /** The plan for {@code size} and the workload parameters; every error is an {@link IllegalArgumentException}. */
        public static Plan of(double size, Map<String, String> params) {
            if (!(size > 0) || Double.isInfinite(size)) throw new IllegalArgumentException(NAME + ": size must be > 0: " + size);
            int rounds = Params.intParam(NAME, params, "rounds", 12, 1, 1_000_000);
            int cache = Params.intParam(NAME, params, "cache", 2_000, 1, MAX_ARRAY);
            int evict = Params.intParam(NAME, params, "evict", 10, 0, 100);
            int resources = Params.intParam(NAME, params, "resources", 1_000, 0, 100_000_000);
            int ring = Params.intParam(NAME, params, "ring", 1_000, 3, MAX_ARRAY);
            int collectEvery = Params.intParam(NAME, params, "collect_every", 4, 0, 1_000_000);
            int resurrect = Params.intParam(NAME, params, "resurrect", 16, 0, 1_000_000);
            int cleanups = Params.intParam(NAME, params, "cleanups", 8, 0, 1_000_000);
            int cacheSlots = scaled(cache, size, 4, "cache");
            int evictions = evict == 0 ? 0 : (int) Math.max(1, Math.round(cacheSlots * (evict / 100.0)));
            return new Plan(rounds, scaled(PAIRS, size, 1, "pairs"), scaled(TENS, size, 1, "tens"),
                scaled(RINGS, size, 1, "rings"), ring, scaled(TREES, size, 1, "trees"), TREE_DEPTH,
                cacheSlots, evictions, resources == 0 ? 0 : scaled(resources, size, 1, "resources"),
                scaled(RESOURCE_SLOTS, size, 4, "resource slots"), scaled(KEEP_SLOTS, size, 4, "keep slots"),
                scaled(REVIVED_SLOTS, size, 4, "revived slots"), collectEvery, resurrect, cleanups);
        }

        private static int scaled(int base, double size, int min, String what) {
            double v = Math.rint(base * size);
            if (v > MAX_ARRAY) {
                throw new IllegalArgumentException(String.format("%s: size %s gives %,.0f %s; at most %,d", NAME, size, v, what, MAX_ARRAY));
            }
            return (int) Math.max(min, v);
        }

        /** Objects allocated per round, about (weak references and resurrections aside). */
        public long objectsPerRound() {
            long resourceObjects = 2L * resources + resources / 4 + (cleanups > 0 ? resources / cleanups : 0);
            return 2L * pairs + 10L * tens + (long) rings * (ringLength + 1) + trees * Trees.size(treeDepth)
                + 6L * evictions + resourceObjects;
        }
    }

    @Override public String name() { return NAME; }

    @Override
    public String description() {
        return "CPython-style churn: 2-/10-cycles, rings, trees, a weakref cache with eviction callbacks, finalized resources; checked at the end";
    }

    @Override
    public Map<String, String> parameters() {
        Map<String, String> p = new LinkedHashMap<>();
        p.put("rounds", "12: rounds of churn (not scaled by size)");
        p.put("cache", "2000: weak-reference cache entries at size 1.0");
        p.put("evict", "10: percent of the cache entries dropped per round");
        p.put("resources", "1000: finalized resources created per round at size 1.0");
        p.put("ring", "1000: nodes per ring (not scaled)");
        p.put("collect_every", "4: an explicit full collection after every N rounds (0: only at the end)");
        p.put("resurrect", "16: one resource in N resurrects itself from its finalizer (0: none)");
        p.put("cleanups", "8: one resource in N also gets a withFinalizer cleanup (0: none)");
        return p;
    }

    @Override
    public void run(WorkloadContext ctx) { execute(ctx); }

    /** Runs the program and returns what it observed (every check passed). */
    public static Outcome execute(WorkloadContext ctx) {
        Params.requireKnown(NAME, ctx.params(), new PyCycles().parameters().keySet());
        Plan plan = Plan.of(ctx.size(), ctx.params());
        PyCyclesRun run = new PyCyclesRun(ctx, plan);
        run.setUp();
        for (int r = 0; r < plan.rounds(); r++) run.round(r);
        run.finish();
        return run.outcome();
    }

    /**
     * What one run did and observed; deterministic for a collector, plan and seed.
     *
     * @param allocations          objects allocated (the heap's counter)
     * @param explicitCollections  explicit collections the program asked for
     * @param cyclesBuilt          2-cycles, 10-cycles and rings built
     * @param treesBuilt           trees built and dropped
     * @param entriesCreated       cache entries created (every one died by the end)
     * @param evictions            eviction callbacks run
     * @param resourcesCreated     resources created
     * @param finalizersRun        resource finalizers run (equals resourcesCreated at the end)
     * @param resurrections        resources a finalizer resurrected
     * @param cleanupsRegistered   withFinalizer cleanups registered
     * @param cleanupsCalledEarly  of those, called early by the program
     * @param cleanupsByDeath      run because their resource died
     */
    public record Outcome(long allocations, long explicitCollections, long cyclesBuilt, long treesBuilt,
                          long entriesCreated, long evictions, long resourcesCreated, long finalizersRun,
                          long resurrections, long cleanupsRegistered, long cleanupsCalledEarly, long cleanupsByDeath) {}
}
