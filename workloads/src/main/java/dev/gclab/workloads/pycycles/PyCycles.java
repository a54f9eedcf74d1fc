package dev.gclab.workloads.pycycles;

import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.heap.object.ObjectModel;
import dev.gclab.workloads.Numbers;
import dev.gclab.workloads.ParamValues;
import dev.gclab.workloads.Params;
import dev.gclab.workloads.SizeRange;
import dev.gclab.workloads.Trees;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadContext;
import dev.gclab.workloads.WorkloadParam;
import dev.gclab.workloads.WorkloadParam.IntegerParam;

import java.util.List;
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

    private static final List<WorkloadParam> PARAMS = List.of(
        IntegerParam.of("rounds", 1, 1_000_000, 12, "rounds of churn (not scaled by size)"),
        IntegerParam.of("cache", 1, MAX_ARRAY, 2_000, "weak-reference cache entries at size 1.0"),
        IntegerParam.of("evict", 0, 100, 10, "percent of the cache entries dropped per round"),
        IntegerParam.of("resources", 0, 100_000_000, 1_000, "finalized resources created per round at size 1.0"),
        IntegerParam.of("ring", 3, MAX_ARRAY, 1_000, "nodes per ring (not scaled)"),
        IntegerParam.of("collect_every", 0, 1_000_000, 4, "an explicit full collection after every N rounds (0: only at the end)"),
        IntegerParam.of("resurrect", 0, 1_000_000, 16, "one resource in N resurrects itself from its finalizer (0: none)"),
        IntegerParam.of("cleanups", 0, 1_000_000, 8, "one resource in N also gets a withFinalizer cleanup (0: none)"));

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
            ParamValues p = Params.check(new PyCycles(), size, params);
            int rounds = p.intValue("rounds");
            int cache = p.intValue("cache");
            int evict = p.intValue("evict");
            int resources = p.intValue("resources");
            int ring = p.intValue("ring");
            int collectEvery = p.intValue("collect_every");
            int resurrect = p.intValue("resurrect");
            int cleanups = p.intValue("cleanups");
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
                throw new IllegalArgumentException(NAME + ": size " + Numbers.format(size) + " gives " + Numbers.format(v) + " " + what
                    + "; at most " + MAX_ARRAY);
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
    public List<WorkloadParam> parameters() { return PARAMS; }

    /**
     * Every per-round count and table is {@code rint(base × size)} and must fit one {@code ref[]}
     * ({@value #MAX_ARRAY} slots); the largest base is the 2-cycles per round, the cache or the
     * resources, so the largest size is {@code MAX_ARRAY / that base}.
     */
    @Override
    public SizeRange sizes(ParamValues params) {
        int cache = params.intValue("cache");
        int resources = params.intValue("resources");
        String largest = "2-cycles per round, " + PAIRS + " × size";
        int base = PAIRS;
        if (cache > base) { base = cache; largest = "cache entries, cache=" + cache + " × size"; }
        if (resources > base) { base = resources; largest = "resources per round, resources=" + resources + " × size"; }
        return new SizeRange(0, (double) MAX_ARRAY / base, "the largest table, " + largest + ", must fit " + MAX_ARRAY + " slots");
    }

    @Override
    public void run(WorkloadContext ctx) { execute(ctx); }

    /** Runs the program and returns what it observed (every check passed). */
    public static Outcome execute(WorkloadContext ctx) {
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
