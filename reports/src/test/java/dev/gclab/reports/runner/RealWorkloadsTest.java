package dev.gclab.reports.runner;

import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.reports.cli.GclabCli;
import dev.gclab.workloads.WorkloadRegistry;
import org.junit.jupiter.api.Test;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.util.Map;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The runner and CLI on the real workloads (gcbench, graph) at small sizes. */
class RealWorkloadsTest {
    /** gcbench at 1/32: every depth reduced by 5, a few hundred thousand nodes, a handful of collections. */
    private static final double SMALL = 1.0 / 32;

    @Test
    void realWorkloadsAreRegistered() {
        String names = WorkloadRegistry.names();
        assertTrue(names.contains("gcbench") && names.contains("graph") && names.contains("capi"), names);
    }

    @Test
    void gcbenchRunsVerifiedAndRepeats() {
        Experiment e = Experiment.of("marksweep", "gcbench", 1).withSize(SMALL).withHeapBytes(64L << 20).withVerify(true);
        ExperimentRunner runner = new ExperimentRunner();
        RunResult a = runner.run(e);
        RunResult b = runner.run(e);
        assertTrue(a.gcCycles() >= 2, "cycles: " + a.gcCycles());
        assertEquals(a.gcCycles(), b.gcCycles());
        assertEquals(a.work(), b.work());
        assertTrue(a.work().get("objects_freed") > 0, a.work()::toString);
    }

    @Test
    void graphIsDeterministicPerSeed() {
        Experiment e = Experiment.of("marksweep", "graph", 77).withSize(0.05).withHeapBytes(64L << 20)
            .withParams(Map.of("shape", "random"));
        ExperimentRunner runner = new ExperimentRunner();
        RunResult a = runner.run(e);
        RunResult b = runner.run(e);
        assertEquals(a.gcCycles(), b.gcCycles());
        assertEquals(a.work(), b.work());
        assertEquals(a.peakInUseBytes(), b.peakInUseBytes());
    }

    /** capi (handles, buffer windows, 1 % of its objects pinned) under every registered collector, verified: its own checks pass. */
    @Test
    void capiRunsOnEveryCollector() {
        ExperimentRunner runner = new ExperimentRunner();
        for (CollectorProvider p : CollectorRegistry.all()) {
            Experiment e = Experiment.of(p.name(), "capi", 3).withSize(0.02).withHeapBytes(32L << 20).withVerify(true)
                .withParams(Map.of("pinned_fraction", "0.01"));
            RunResult r = runner.run(e);
            assertTrue(r.gcCycles() >= 1, p.name() + ": cycles " + r.gcCycles());
            assertTrue(r.work().get("pin_ops") > 0 && r.work().get("handle_ops") > 0, p.name() + ": " + r.work());
        }
    }

    @Test
    void cliRunsGcbench() {
        String[] r = cli("run", "--collector", "marksweep", "--workload", "gcbench", "--size", String.valueOf(SMALL),
            "--heap", "64m", "--verify", "--seed", "9");
        assertEquals("0", r[0], r[1] + r[2]);
        assertTrue(r[1].contains("gcbench: stretch depth 13"), r[1]);
        assertTrue(r[1].contains("run        marksweep on gcbench, size 0.03125"), r[1]);
    }

    @Test
    void badWorkloadParameterValueIsAUsageError() {
        String[] r = cli("run", "-c", "marksweep", "-w", "graph", "-p", "reps=abc");
        assertEquals("2", r[0], r[1] + r[2]);
        assertTrue(r[2].startsWith("gclab: parameter reps of workload graph must be an integer"), r[2]);
    }

    /** {exit code, out, err}. */
    private static String[] cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = new CommandLine(new GclabCli());
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new String[] {String.valueOf(code), out.toString(), err.toString()};
    }
}
