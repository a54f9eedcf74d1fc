package dev.gclab.bench;

import org.junit.jupiter.api.Test;
import org.openjdk.jmh.results.RunResult;
import org.openjdk.jmh.runner.Runner;
import org.openjdk.jmh.runner.RunnerException;
import org.openjdk.jmh.runner.options.Options;
import org.openjdk.jmh.runner.options.OptionsBuilder;
import org.openjdk.jmh.runner.options.TimeValue;

import java.util.Collection;
import java.util.Set;
import java.util.TreeSet;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * Runs every benchmark once, in this JVM, for a tenth of a second with small parameters: checks that
 * each one sets up, runs and produces a score (not that the score is good).
 */
class BenchmarksSmokeTest {
    @Test
    void everyBenchmarkProducesAResult() throws RunnerException {
        System.setProperty("jmh.ignoreLock", "true");
        Options opts = new OptionsBuilder()
            .include("dev\\.gclab\\.bench\\..*")
            .forks(0)
            .warmupIterations(0)
            .measurementIterations(1)
            .measurementTime(TimeValue.milliseconds(100))
            .param("n", "10000")
            .shouldFailOnError(true)
            .build();
        Collection<RunResult> results = new Runner(opts).run();
        Set<String> seen = new TreeSet<>();
        for (RunResult r : results) {
            String label = r.getParams().getBenchmark() + " " + r.getParams().getParamsKeys().stream()
                .map(k -> k + "=" + r.getParams().getParam(k)).toList();
            double score = r.getPrimaryResult().getScore();
            assertTrue(score > 0 && Double.isFinite(score), label + ": score " + score);
            assertTrue(r.getPrimaryResult().getSampleCount() > 0, label);
            seen.add(label);
        }
        // 4 allocation + (2x3 setRef + 2 rawStore) barrier + 7x2 handle + 3x2 finalization
        // + 2x2 mark-sweep + 2x2 sweep configurations + 7 rc + 3x2 collection + 3x2 locality + 4x2 pins + 2 pollution
        // + 5x3 generational setRef (barrier x edge) + 2x3 minor collections (variant x survival)
        // + 2x2 incremental (mark step, marksweep's full collection)
        assertEquals(94, seen.size(), String.join("\n", seen));
        for (String m : new String[] {"AllocationBench.allocate", "AllocationBench.allocateNoGc",
            "AllocationBench.allocateArray", "AllocationBench.allocateLarge", "HandleBench.createRelease", "HandleBench.deref",
            "HandleBench.pinUnpin", "HandleBench.pinWindow", "HandleBench.rawAddress", "HandleBench.derefRead", "HandleBench.rawRead", "FinalizationBench.registerFinalizer", "FinalizationBench.weakRefCreate",
            "FinalizationBench.weakRefClear", "BarrierBench.setRef",
            "BarrierBench.rawStore", "MarkSweepBench.fullCollection", "SweepBench.sweep", "RcBench.incrementDecrement",
            "RcBench.dropTree", "RcBench.detectGarbageCycles", "RcBench.fullPassLiveRandom", "RcBench.youngCollection",
            "CollectionBench.fullCollection", "LocalityBench.walk", "PinsBench.fullCollection", "BarrierPollutionBench.setRefMarkSweep",
            "GenerationalBench.setRef", "GenerationalBench.minorCollection",
            "IncrementalBench.markStep", "IncrementalBench.markSweepFullCollection"}) {
            assertTrue(seen.stream().anyMatch(s -> s.contains(m + " ")), m + " missing from\n" + String.join("\n", seen));
        }
    }
}
