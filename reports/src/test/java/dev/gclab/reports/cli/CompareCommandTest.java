package dev.gclab.reports.cli;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.reports.json.ComparisonJson;
import dev.gclab.reports.runner.Experiment;
import dev.gclab.reports.runner.ExperimentRunner;
import dev.gclab.reports.runner.RunResult;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gclab compare}: one seed, one table with a column per collector, one JSON file, exit codes. */
class CompareCommandTest {
    private static final String[] PYCYCLES = {"compare", "--workload", "pycycles", "--collectors", "rc,marksweep",
        "--size", "0.01", "--heap", "32m", "--seed", "17"};

    private static String[] args(String[] base, String... more) {
        String[] a = java.util.Arrays.copyOf(base, base.length + more.length);
        System.arraycopy(more, 0, a, base.length, more.length);
        return a;
    }

    /** The values of the table row {@code label}, split on runs of two or more spaces. */
    private static List<String> row(String out, String label) {
        return out.lines().filter(l -> l.matches(" *" + Pattern.quote(label.trim()) + "( {2,}.*|$)")).findFirst()
            .map(l -> List.of(l.trim().split(" {2,}")).subList(1, l.trim().split(" {2,}").length))
            .orElseThrow(() -> new AssertionError("no row '" + label + "' in:\n" + out));
    }

    @Test
    void pycyclesOnRcAndMarksweepGivesOneColumnEach() {
        CliResult r = CliResult.run(args(PYCYCLES, "--verify"));
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("seed 17\n"), r::toString);
        assertTrue(r.out().contains("  rc: pycycles: ") && r.out().contains("  marksweep: pycycles: "), "progress of both runs:\n" + r);
        assertTrue(r.out().contains("compare    pycycles, size 0.01, seed 17\n"), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" +rc +marksweep")), "collector columns in the order given:\n" + r);
        for (String label : List.of("GC cycles", "pauses", "p50", "p99", "max", "GC time", "mutator time", "verify time",
            "wall time", "peak heap", "allocations", "objects_freed", "objects_marked", "count_increments", "finalizers_run",
            "weakref_callbacks_run")) {
            assertEquals(2, row(r.out(), label).size(), label + ":\n" + r);
        }
        assertEquals("-", row(r.out(), "pages_dirtied").get(1), "marksweep has no pages_dirtied:\n" + r);
        assertFalse(row(r.out(), "pages_dirtied").get(0).equals("-"), r::toString);
        assertEquals(row(r.out(), "finalizers_run").get(0), row(r.out(), "finalizers_run").get(1),
            "both collectors finalize every resource of the same program");
        String table = r.out().substring(r.out().indexOf("compare    "));
        assertTrue(table.lines().allMatch(l -> l.length() <= 100), "the table fits 100 columns:\n" + r);
        assertEquals(List.of("compare [runs] 1/2", "compare [runs] 2/2"),
            r.err().lines().map(l -> l.replaceAll(", elapsed.*", "")).toList(), "standard error has the progress lines only:\n" + r);
    }

    @Test
    void jsonHoldsEveryRunAndReadsBack(@TempDir Path dir) throws Exception {
        Path file = dir.resolve("out/cmp.json");
        CliResult r = CliResult.run(args(PYCYCLES, "-q", "--json", file.toString()));
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("results written to " + file), r::toString);
        assertFalse(r.out().contains("pycycles: "), "--quiet drops the progress lines");
        JsonNode tree = new ObjectMapper().readTree(Files.readString(file));
        assertEquals(1, tree.get("schema_version").asInt());
        assertEquals(2, tree.get("comparison").size());

        ComparisonJson.Comparison c = ComparisonJson.read(file);
        assertEquals(List.of("rc", "marksweep"), c.comparison().stream().map(RunResult::collector).toList());
        for (RunResult run : c.comparison()) {
            assertEquals(17, run.seed());
            assertEquals("pycycles", run.workload());
            assertEquals(0.01, run.size());
            assertEquals(32L << 20, run.heapBytes());
        }
        assertTrue(c.comparison().get(0).collectorCounters().containsKey("pages_dirtied"));
        // the same experiment as 'gclab run' with that seed: the deterministic numbers agree
        RunResult alone = new ExperimentRunner().run(new Experiment("marksweep", "pycycles", 32L << 20, 17, 0.01, Map.of(),
            false, dev.gclab.heap.MarkBits.SIDE, dev.gclab.heap.AccessChecks.FULL, 2.0, Map.of()));
        assertEquals(alone.work(), c.comparison().get(1).work());
        assertEquals(alone.gcCycles(), c.comparison().get(1).gcCycles());
        assertEquals(alone.collectorCounters(), c.comparison().get(1).collectorCounters());
    }

    @Test
    void defaultsToEveryCollectorByNameAndPrintsTheSeedItDrew() {
        CliResult r = CliResult.run("compare", "-w", "testchurn", "--size", "0.1", "--heap", "32m", "-p", "keep=64");
        assertEquals(0, r.code(), r::toString);
        Matcher m = Pattern.compile("^seed (\\d+) \\(random; repeat with --seed \\1\\)\n").matcher(r.out());
        assertTrue(m.find(), r::toString);
        List<String> names = CollectorRegistry.all().stream().map(CollectorProvider::name).toList();
        // a column per collector, by name; a wide comparison continues in further blocks of columns
        List<String> headed = r.out().lines().filter(l -> l.startsWith(" ") && !l.isBlank()
                && java.util.Arrays.stream(l.trim().split(" +")).allMatch(names::contains))
            .flatMap(l -> java.util.Arrays.stream(l.trim().split(" +"))).toList();
        assertEquals(names, headed, "a column per collector, by name:\n" + r);
        assertTrue(r.out().contains("compare    testchurn, size 0.1, params keep=64, seed " + m.group(1) + "\n"), r::toString);
        List<String> allocations = r.out().lines().filter(l -> l.matches(" *allocations {2,}.*"))
            .flatMap(l -> java.util.Arrays.stream(l.trim().split(" {2,}")).skip(1)).toList(); // every block's row
        assertEquals(names.size(), allocations.size(), r::toString);
        assertEquals(1, new java.util.HashSet<>(allocations).size(), "the same seeded program allocates the same under each:\n" + r);
    }

    @Test
    void unknownCollectorIsAUsageErrorListingTheValidOnes() {
        CliResult r = CliResult.run("compare", "-w", "pycycles", "-c", "rc,nope", "--size", "0.01");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().startsWith("gclab: unknown collector 'nope'; valid collectors: " + CollectorRegistry.names() + "\n"), r::toString);
        assertEquals("", r.out(), "nothing ran");
    }

    @Test
    void unknownWorkloadAndParameterAreUsageErrorsBeforeAnyRun() {
        CliResult w = CliResult.run("compare", "-w", "nope", "-c", "rc");
        assertEquals(2, w.code(), w::toString);
        assertTrue(w.err().contains("gclab: unknown workload 'nope'; valid workloads: ") && w.err().contains("pycycles"), w::toString);
        CliResult p = CliResult.run("compare", "-w", "pycycles", "-p", "rounds=2", "-p", "round=3");
        assertEquals(2, p.code(), p::toString);
        assertTrue(p.err().contains("unknown parameter 'round' for workload pycycles"), p::toString);
        CliResult v = CliResult.run("compare", "-w", "pycycles", "-p", "evict=200", "--size", "0.01", "--seed", "1");
        assertEquals(2, v.code(), v::toString);
        assertTrue(v.err().contains("parameter evict of workload pycycles must be an integer in [0, 100], not '200'"), v::toString);
        assertEquals("", v.out(), "nothing ran");
        assertEquals("", CliResult.run("compare", "-w", "nope").out());
    }

    @Test
    void badOptionValuesAreUsageErrors() {
        for (String[] c : new String[][] {
            {"-c", "rc,rc", "rc is listed twice"},
            {"-c", "rc,,marksweep", "an empty collector name"},
            {"-c", "rc,marksweep,", "an empty collector name in 'rc,marksweep,'"},
            {"--size", "-1", "'-1' is not > 0; expected a finite number > 0"},
            {"--heap", "lots", "not a size"},
        }) {
            CliResult r = CliResult.run("compare", "-w", "testchurn", c[0], c[1]);
            assertEquals(2, r.code(), r::toString);
            assertTrue(r.err().contains(c[2]), r::toString);
        }
        CliResult missing = CliResult.run("compare", "-c", "rc");
        assertEquals(2, missing.code(), missing::toString);
        assertTrue(missing.err().contains("Missing required option: '--workload=NAME'"), missing::toString);
    }

    @Test
    void failedRunsAreReportedAndTheOthersStillRun(@TempDir Path dir) {
        Path file = dir.resolve("cmp.json");
        CliResult r = CliResult.run("compare", "-w", "testchurn", "-c", "marksweep,rc", "--size", "0.1", "--heap", "32m",
            "--seed", "4", "-p", "fail=verify", "--json", file.toString());
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("gclab: the run on marksweep failed:\ngclab: heap verification failed"), r::toString);
        assertTrue(r.err().contains("gclab: the run on rc failed:"), r::toString);
        assertTrue(r.out().contains("failed: marksweep, rc (see the messages above); no JSON written"), r::toString);
        assertFalse(Files.exists(file));
    }

    @Test
    void helpAndTopLevelListMentionCompare() {
        CliResult h = CliResult.run("compare", "--help");
        assertEquals(0, h.code(), h::toString);
        assertTrue(h.out().contains("--collectors=NAME[:K=V...][,...]"), h::toString);
        assertTrue(h.out().contains("--jvm=child|same"), h::toString);
        CliResult top = CliResult.run("--help");
        assertTrue(top.out().contains("compare"), top::toString);
    }

    /** One collector under several settings: each entry carries its options, each column is labelled with them. */
    @Test
    void anEntryMayCarryItsOwnOptions(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        var p = CollectorRegistry.all().stream().filter(c -> c.variants().size() > 1).findFirst().orElseThrow();
        var v = p.variants().get(1).entrySet().iterator().next();
        String entry = p.name() + ":" + v.getKey() + "=" + v.getValue();
        java.nio.file.Path file = dir.resolve("c.json");
        CliResult r = CliResult.run("compare", "-w", "testchurn", "--size", "0.05", "--seed", "3", "-q", "-c", p.name() + "," + entry, "--json", file.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" +" + java.util.regex.Pattern.quote(p.name()) + " +" + java.util.regex.Pattern.quote(entry))), r::toString);
        var c = dev.gclab.reports.json.ComparisonJson.read(file);
        assertEquals(java.util.Map.of(), c.comparison().get(0).collectorOptions());
        assertEquals(java.util.Map.of(v.getKey(), v.getValue()), c.comparison().get(1).collectorOptions());
        CliResult bad = CliResult.run("compare", "-w", "testchurn", "-c", p.name() + ":nokeyvalue");
        assertEquals(2, bad.code(), bad::toString);
        assertTrue(bad.err().contains("is not KEY=VALUE"), bad::toString);
    }

    /** A child JVM per collector (the default) and one JVM for all give the same deterministic figures. */
    @Test
    void childAndSameJvmRunTheSameProgram(@org.junit.jupiter.api.io.TempDir java.nio.file.Path dir) throws Exception {
        java.nio.file.Path a = dir.resolve("a.json"), b = dir.resolve("b.json");
        assertEquals(0, CliResult.run("compare", "-w", "testchurn", "--size", "0.05", "--seed", "9", "-q", "--json", a.toString()).code());
        assertEquals(0, CliResult.run("compare", "-w", "testchurn", "--size", "0.05", "--seed", "9", "-q", "--jvm", "same", "--json", b.toString()).code());
        var x = dev.gclab.reports.json.ComparisonJson.read(a).comparison();
        var y = dev.gclab.reports.json.ComparisonJson.read(b).comparison();
        assertEquals(x.size(), y.size());
        for (int i = 0; i < x.size(); i++) {
            assertEquals(x.get(i).work(), y.get(i).work(), x.get(i).collector());
            assertEquals(x.get(i).gcCycles(), y.get(i).gcCycles(), x.get(i).collector());
        }
    }
}
