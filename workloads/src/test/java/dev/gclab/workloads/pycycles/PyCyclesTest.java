package dev.gclab.workloads.pycycles;

import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.GcCause;
import dev.gclab.heap.Mutator;
import dev.gclab.workloads.TestHeaps;
import dev.gclab.workloads.Trees;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadContext;
import dev.gclab.workloads.WorkloadRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

import java.util.Map;
import java.util.stream.Stream;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class PyCyclesTest {
    private static final double SMALL = 0.02;
    private final Workload pycycles = WorkloadRegistry.byName("pycycles");

    /**
     * The collector on an 8 MiB heap with the verifier on; tracing collectors collect from 256 KiB (and a
     * nursery is a 32nd of the heap, its 256 KiB minimum) so that collections interleave the rounds.
     */
    private static TestHeaps heaps(String collector) {
        return TestHeaps.create(collector, 8L << 20, CollectorOptions.defaults().withVerify(true).withMinTrigger(256L << 10));
    }

    /** Every registered collector, by name: a new one is checked too. */
    static Stream<String> collectors() { return CollectorRegistry.all().stream().map(CollectorProvider::name); }

    private record Observed(PyCycles.Outcome outcome, Map<String, Long> work, Map<String, Long> collectorCounters, long cycles) {}

    private static Observed run(String collector, long seed, double size, Map<String, String> params) {
        try (TestHeaps t = heaps(collector)) {
            PyCycles.Outcome o = PyCycles.execute(t.context(seed, size, params));
            assertEquals(0, t.heap().objectCount(), "the run ends with an empty heap");
            return new Observed(o, t.heap().counters().asMap(), t.collector().collectorCounters(), t.collector().stats().cycles());
        }
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void runsUnderTheVerifierAndPassesItsChecks(String collector) {
        PyCycles.Plan plan = PyCycles.Plan.of(SMALL, Map.of());
        try (TestHeaps t = heaps(collector)) {
            pycycles.run(t.context(7, SMALL, Map.of()));
            assertEquals(2, t.log().size(), t.log()::toString);
            assertTrue(t.log().getLast().endsWith("all checks passed"), t.log()::toString);
            assertEquals(0, t.heap().objectCount());
            assertTrue(t.collector().stats().cycles() >= plan.rounds() / plan.collectEvery() + 3);
        }
        Observed r = run(collector, 7, SMALL, Map.of());
        PyCycles.Outcome o = r.outcome();
        assertEquals((long) plan.rounds() * (plan.pairs() + plan.tens() + plan.rings()), o.cyclesBuilt());
        assertEquals((long) plan.rounds() * plan.trees(), o.treesBuilt());
        assertEquals(plan.rounds() / plan.collectEvery() + 3, o.explicitCollections());
        assertEquals((long) plan.resourceSlots() + (long) plan.rounds() * plan.resources(), o.resourcesCreated());
        assertEquals(o.resourcesCreated(), o.finalizersRun(), "every resource was finalized exactly once");
        assertEquals(o.cleanupsRegistered(), o.cleanupsCalledEarly() + o.cleanupsByDeath(), "every cleanup ran exactly once");
        assertTrue(o.evictions() >= (long) plan.evictions() * plan.rounds() - plan.cacheSlots(), o::toString);
        assertEquals(o.entriesCreated(), plan.cacheSlots() + o.evictions(), "every called-back slot was refilled");
        assertTrue(o.resurrections() > 0 && o.cleanupsCalledEarly() > 0 && o.cleanupsByDeath() > 0, o::toString);
        assertTrue(o.allocations() > 20_000, o::toString);
        assertEquals(o.allocations(), r.work().get("allocations"));
        // the collector's own counters agree (the workload checked them too)
        assertEquals(o.finalizersRun(), r.collectorCounters().get("finalizers_run"));
        assertEquals(o.evictions() + o.cleanupsByDeath(), r.collectorCounters().get("weakref_callbacks_run"));
        if (CollectorRegistry.byName(collector).constraints().needsRefCounts()) {
            assertTrue(r.collectorCounters().get("gen0_collections") > 0, r.collectorCounters()::toString);
            assertTrue(r.collectorCounters().get("gen0_collected") > 0, r.collectorCounters()::toString);
            assertTrue(r.collectorCounters().get("pages_dirtied") > 0, r.collectorCounters()::toString);
            assertTrue(r.work().get("count_decrements") > 0);
        } else {
            assertTrue(r.cycles() > o.explicitCollections(), collector + " also collected on its trigger: " + r.cycles());
            assertTrue(r.work().get("objects_marked") > 0);
        }
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void sameSeedSameCounters(String collector) {
        Observed a = run(collector, 42, SMALL, Map.of());
        Observed b = run(collector, 42, SMALL, Map.of());
        assertEquals(a, b);
        Observed c = run(collector, 43, SMALL, Map.of());
        assertNotEquals(a.work(), c.work(), "another seed is another program");
    }

    @Test
    void everyCollectorRunsTheSameProgram() {
        java.util.List<String> names = collectors().toList();
        PyCycles.Outcome first = run(names.get(0), 11, SMALL, Map.of()).outcome();
        for (String c : names.subList(1, names.size())) {
            PyCycles.Outcome o = run(c, 11, SMALL, Map.of()).outcome();
            String what = names.get(0) + ": " + first + "\n" + c + ": " + o;
            assertEquals(first.cyclesBuilt(), o.cyclesBuilt(), what);
            assertEquals(first.treesBuilt(), o.treesBuilt(), what);
            assertEquals(first.resourcesCreated(), o.resourcesCreated(), what);
            assertEquals(first.finalizersRun(), o.finalizersRun(), what);
            assertEquals(first.cleanupsRegistered(), o.cleanupsRegistered(), what);
            assertEquals(first.cleanupsCalledEarly(), o.cleanupsCalledEarly(), what);
            assertEquals(first.evictions(), o.evictions(), what);
            // only the refills' timing differs: a handful of allocations at most
            assertTrue(Math.abs(first.allocations() - o.allocations()) < 100, what);
        }
    }

    @Test
    void parametersShapeTheProgram() {
        Observed plain = run("marksweep", 3, 0.01, Map.of("resurrect", "0", "cleanups", "0", "collect_every", "1", "rounds", "3"));
        assertEquals(0, plain.outcome().resurrections());
        assertEquals(0, plain.outcome().cleanupsRegistered());
        assertEquals(3 + 3, plain.outcome().explicitCollections());
        Observed many = run("rc", 3, 0.01, Map.of("resurrect", "1", "rounds", "3", "evict", "50"));
        assertTrue(many.outcome().resurrections() > plain.outcome().resurrections());
        assertTrue(many.outcome().evictions() >= 2 * PyCycles.Plan.of(0.01, Map.of("evict", "50")).evictions(), many.outcome()::toString);
    }

    @Test
    void fullSizeAllocatesOneToTwoMillionObjectsAndSmallSizesShrink() {
        PyCycles.Plan full = PyCycles.Plan.of(1.0, Map.of());
        assertEquals(new PyCycles.Plan(12, 10_000, 2_000, 8, 1_000, 50, 9, 2_000, 200, 1_000, 500, 256, 64, 4, 16, 8), full);
        long objects = full.rounds() * full.objectsPerRound();
        assertTrue(objects > 1_000_000 && objects < 2_000_000, "objects: " + objects);
        PyCycles.Plan tiny = PyCycles.Plan.of(1e-6, Map.of());
        assertEquals(new PyCycles.Plan(12, 1, 1, 1, 1_000, 1, 9, 4, 1, 1, 4, 4, 4, 4, 16, 8), tiny);
        assertEquals(Trees.size(9), 1023);
        assertEquals(0, PyCycles.Plan.of(1.0, Map.of("evict", "0")).evictions());
    }

    @Test
    void badParametersAreClearErrorsBeforeAnyAllocation() {
        try (TestHeaps t = heaps("marksweep")) {
            IllegalArgumentException e = assertThrows(IllegalArgumentException.class,
                () -> pycycles.run(t.context(1, SMALL, Map.of("round", "3"))));
            assertTrue(e.getMessage().contains("'round'") && e.getMessage().contains(
                "valid parameters: cache, cleanups, collect_every, evict, resources, resurrect, ring, rounds"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> pycycles.run(t.context(1, SMALL, Map.of("evict", "101"))));
            assertTrue(e.getMessage().contains("evict"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> pycycles.run(t.context(1, SMALL, Map.of("ring", "2"))));
            assertTrue(e.getMessage().contains("ring"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> pycycles.run(t.context(1, 1e6, Map.of())));
            assertTrue(e.getMessage().contains("size 1000000 is out of range: pycycles takes sizes in (0, 838.8607]"), e.getMessage());
            e = assertThrows(IllegalArgumentException.class, () -> pycycles.run(t.context(1, 1.0, Map.of("resources", "100000000"))));
            assertTrue(e.getMessage().contains("size 1 is out of range: pycycles takes sizes in (0, 0.08388607] (the largest table, "
                + "resources per round, resources=100000000 × size"), e.getMessage());
            assertEquals(0, t.heap().counters().allocations);
        }
        assertEquals(pycycles.parameters().stream().map(dev.gclab.workloads.WorkloadParam::name).collect(java.util.stream.Collectors.toSet()), java.util.Set.of("rounds", "cache", "evict", "resources", "ring",
            "collect_every", "resurrect", "cleanups"));
    }

    // ------------------------------------------------------------------ the checks catch damage

    private static PyCyclesRun started(TestHeaps t, Map<String, String> params) {
        WorkloadContext ctx = t.context(5, SMALL, params);
        PyCyclesRun run = new PyCyclesRun(ctx, PyCycles.Plan.of(SMALL, params));
        run.setUp();
        run.round(0);
        return run;
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void aFinalizerForAHeldResourceIsCaught(String collector) {
        try (TestHeaps t = heaps(collector)) {
            PyCyclesRun run = started(t, Map.of());
            Mutator m = t.mutator();
            // Drop a resource behind the program's back: to the program it is held, so its finalizer must not run.
            m.setRef(m.getGlobal(m.global(PyCyclesRun.RESOURCES)), 0, 0);
            t.collector().collect(GcCause.EXPLICIT);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> run.round(1));
            assertTrue(e.getMessage().contains("ran while the table holds it") && e.getMessage().contains("collector " + collector),
                e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void aDamagedCacheEntryIsCaught(String collector) {
        try (TestHeaps t = heaps(collector)) {
            PyCyclesRun run = started(t, Map.of("evict", "0"));
            Mutator m = t.mutator();
            long entry = m.getRef(m.getGlobal(m.global(PyCyclesRun.OWNERS)), 1);
            long payloadData = m.getRef(m.getRef(m.getRef(m.getRef(entry, 0), 0), 0), 1);
            m.setLong(payloadData, 2, -1);
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> run.round(1));
            assertTrue(e.getMessage().contains("after round 2: the payload data of cache entry 1 is damaged"), e.getMessage());
        }
    }

    @ParameterizedTest
    @MethodSource("collectors")
    void aSecondFinalizerCallIsCaught(String collector) {
        try (TestHeaps t = heaps(collector)) {
            PyCyclesRun run = started(t, Map.of("resurrect", "1", "cleanups", "0"));
            Mutator m = t.mutator();
            t.collector().collect(GcCause.EXPLICIT); // under marksweep, round 1's dropped resources are finalized (and resurrected) now
            long revived = m.getRef(m.getGlobal(m.global(PyCyclesRun.REVIVED)), 0);
            assertTrue(revived != 0 && t.collector().finalization().isFinalized(revived), "a resurrected resource");
            t.collector().finalization().finalizeNow(revived); // what a collector that finalizes twice would do
            IllegalStateException e = assertThrows(IllegalStateException.class, () -> run.round(1));
            assertTrue(e.getMessage().matches("(?s).*the finalizer of resource \\d+ ran twice.*"), e.getMessage());
        }
    }
}
