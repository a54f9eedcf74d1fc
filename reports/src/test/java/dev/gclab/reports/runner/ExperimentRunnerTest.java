package dev.gclab.reports.runner;

import dev.gclab.gc.spi.UnknownNameException;
import dev.gclab.heap.AccessChecks;
import dev.gclab.heap.MarkBits;
import dev.gclab.heap.OutOfHeapException;
import org.junit.jupiter.api.Test;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotEquals;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

class ExperimentRunnerTest {
    private static final Experiment CHURN = Experiment.of("marksweep", "testchurn", 42).withHeapBytes(64L << 20);

    @Test
    void sameSeedGivesSameCyclesAndWorkCounters() {
        ExperimentRunner runner = new ExperimentRunner();
        RunResult a = runner.run(CHURN);
        RunResult b = runner.run(CHURN);
        assertTrue(a.gcCycles() >= 2, "the test workload should collect a few times: " + a.gcCycles());
        assertEquals(a.gcCycles(), b.gcCycles());
        assertEquals(a.youngCycles(), b.youngCycles());
        assertEquals(a.pauses().count(), b.pauses().count());
        assertEquals(a.work(), b.work());
        assertEquals(a.peakInUseBytes(), b.peakInUseBytes());
    }

    @Test
    void anotherSeedGivesOtherWork() {
        ExperimentRunner runner = new ExperimentRunner();
        RunResult a = runner.run(CHURN);
        RunResult b = runner.run(new Experiment(CHURN.collector(), CHURN.workload(), CHURN.heapBytes(), 43, CHURN.size(),
            CHURN.params(), false, MarkBits.SIDE, AccessChecks.FULL, 2.0, Map.of()));
        assertNotEquals(a.work().get("allocated_bytes"), b.work().get("allocated_bytes"));
    }

    @Test
    void resultDescribesTheRun() {
        List<String> log = new ArrayList<>();
        Experiment e = CHURN.withSize(0.5).withParams(Map.of("keep", "100")).withVerify(true)
            .withMarkBits(MarkBits.HEADER).withChecks(AccessChecks.FAST).withGrowthFactor(1.5);
        RunResult r = new ExperimentRunner(log::add).run(e);
        assertEquals(List.of("testchurn: 50000 allocations"), log);
        assertEquals("marksweep", r.collector());
        assertEquals("testchurn", r.workload());
        assertEquals(42, r.seed());
        assertEquals(0.5, r.size());
        assertEquals(Map.of("keep", "100"), r.params());
        assertEquals(64L << 20, r.heapBytes());
        assertEquals("header", r.markBits());
        assertEquals("fast", r.checks());
        assertTrue(r.verify());
        assertEquals(1.5, r.growthFactor());
        assertEquals("none", r.constraints().barrier());
        assertEquals(RunResult.SCHEMA_VERSION, r.schemaVersion());
        assertEquals(50_000 + 1, r.work().get("allocations"));
        assertEquals(r.wallNs() - r.gcNs() - r.verifyNs(), r.mutatorNs());
        assertTrue(r.verifyNs() > 0, "verification time is measured");
        assertEquals(r.pauses().totalNs(), r.gcNs());
        assertTrue(r.pauses().p50Ns() <= r.pauses().p99Ns() && r.pauses().p99Ns() <= r.pauses().maxNs());
        assertTrue(r.peakInUseBytes() > 0 && r.peakInUseBytes() <= r.heapBytes());
        assertTrue(r.machine().availableProcessors() >= 1);
        assertEquals(Runtime.version().toString(), r.jdkVersion());
    }

    @Test
    void unknownNamesAndParametersAreRejectedBeforeRunning() {
        var c = assertThrows(UnknownNameException.class, () -> ExperimentRunner.check(Experiment.of("nope", "testchurn", 1)));
        assertTrue(c.getMessage().contains("valid collectors: " + dev.gclab.gc.spi.CollectorRegistry.names()), c.getMessage());
        var w = assertThrows(UnknownNameException.class, () -> ExperimentRunner.check(Experiment.of("marksweep", "nope", 1)));
        assertTrue(w.getMessage().contains("testchurn"), w.getMessage());
        var p = assertThrows(UnknownParameterException.class,
            () -> new ExperimentRunner().run(CHURN.withParams(Map.of("kep", "1"))));
        assertEquals("unknown parameter 'kep' for workload testchurn; valid parameters: fail, keep", p.getMessage());
    }

    @Test
    void argumentErrorsBeforeTheFirstAllocationAreTheWorkloadRejectingItsArguments() {
        var e = assertThrows(WorkloadArgumentException.class, () -> new ExperimentRunner().run(CHURN.withParams(Map.of("keep", "many"))));
        assertTrue(e.getMessage().contains("many"), e.getMessage());
        e = assertThrows(WorkloadArgumentException.class, () -> ExperimentRunner.check(CHURN.withParams(Map.of("keep", "0"))));
        assertEquals("parameter keep of workload testchurn must be an integer in [1, 1048576], not '0' (out of range)", e.getMessage());
        e = assertThrows(WorkloadArgumentException.class, () -> ExperimentRunner.check(CHURN.withSize(5000)));
        assertEquals("testchurn: size 5000 is out of range: testchurn takes sizes in (0, 1000] (100000 × size allocations)", e.getMessage());
        // an IllegalArgumentException after the first allocation is a plain failure of the run
        var later = assertThrows(IllegalArgumentException.class, () -> new ExperimentRunner().run(CHURN.withParams(Map.of("fail", "argument"))));
        assertEquals(IllegalArgumentException.class, later.getClass());
    }

    @Test
    void failuresOfTheRunPropagate() {
        Experiment e = CHURN.withHeapBytes(1L << 20).withParams(Map.of("fail", "oom"));
        var ex = assertThrows(OutOfHeapException.class, () -> new ExperimentRunner().run(e));
        assertTrue(ex.getMessage().contains("marksweep"), ex.getMessage());
    }

    @Test
    void experimentRejectsBadSizeAndGrowth() {
        assertThrows(IllegalArgumentException.class, () -> CHURN.withSize(0));
        assertThrows(IllegalArgumentException.class, () -> CHURN.withSize(Double.NaN));
        assertThrows(IllegalArgumentException.class, () -> CHURN.withGrowthFactor(1.0));
        assertTrue(Experiment.randomSeed() >= 0);
    }
}
