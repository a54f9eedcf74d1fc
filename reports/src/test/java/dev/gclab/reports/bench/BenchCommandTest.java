package dev.gclab.reports.bench;

import dev.gclab.reports.cli.GclabCli;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The bench command's checks, child command line, progress and failures (no JMH run: benchmarks/ smoke-tests those). */
class BenchCommandTest {
    @TempDir Path dir;

    record Result(int code, String out, String err) {}

    static Result run(String... args) {
        StringWriter out = new StringWriter(), err = new StringWriter();
        CommandLine cl = GclabCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new Result(code, out.toString(), err.toString());
    }

    @Test
    void malformedBaselineIsAUsageErrorBeforeAnyRun() throws Exception {
        Path base = dir.resolve("base.json");
        Files.writeString(base, "[1, 2");
        Result r = run("bench", "--quick", "--baseline", base.toString(), "--bench-jar", dir.resolve("none.jar").toString());
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().startsWith("gclab: baseline " + base + ": not JSON"), r::toString);
        assertEquals("", r.out());
    }

    @Test
    void anUnwritableJsonFileIsAUsageErrorBeforeAnyRun() throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        for (String[] c : new String[][] {
            {dir.toString(), "'" + dir + "' is a directory; give a file name, e.g. " + dir.resolve("result.json")},
            {file.resolve("b.json").toString(), "cannot create '" + file.resolve("b.json") + "': " + file + " is not a directory"},
            {"", "the file name is empty"},
        }) {
            Result r = run("bench", "--quick", "--json", c[0], "--bench-jar", dir.resolve("none.jar").toString());
            assertEquals(2, r.code(), r::toString);
            assertEquals("gclab: --json: " + c[1] + "\n", r.err(), r::toString);
            assertEquals("", r.out());
        }
    }

    @Test
    void missingJarIsAUsageError() {
        Result r = run("bench", "--bench-jar", dir.resolve("none.jar").toString());
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("no benchmarks jar at " + dir.resolve("none.jar")), r::toString);
    }

    @Test
    void badFilterIsAUsageError() {
        Result r = run("bench", "--filter", "Rc(", "--bench-jar", "x.jar");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("--filter Rc(: not a regular expression"), r::toString);
    }

    @Test
    void failingChildExitsOneWithItsLastLines() throws Exception {
        Path jar = dir.resolve("broken.jar");
        Files.writeString(jar, "not a jar");
        Result r = run("bench", "--quick", "--bench-jar", jar.toString());
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.err().contains("gclab: JMH failed (exit 1); its last lines:"), r::toString);
        assertTrue(r.err().contains("  | ") && r.err().toLowerCase().contains("jar"), r::toString);
    }

    @Test
    void childCommandLine() {
        Path jar = Path.of("/b/benchmarks.jar"), out = Path.of("/tmp/r.json");
        List<String> quick = JmhRunner.command("/jdk/bin/java", jar, List.of("Rc"), JmhRunner.QUICK, false, out);
        assertEquals("/jdk/bin/java", quick.getFirst());
        String q = String.join(" ", quick);
        assertTrue(q.contains("-jar /b/benchmarks.jar Rc -f 1 -wi 2 -i 3 -w 500ms -r 500ms -foe true -rf json -rff /tmp/r.json"), q);
        assertFalse(q.contains("perfnorm"), q);
        String full = String.join(" ", JmhRunner.command("java", jar, List.of(), JmhRunner.FULL, true, out));
        assertTrue(full.contains("-jar /b/benchmarks.jar -f 2 -wi 5 -i 10 -w 1s -r 1s "), full);
        assertTrue(full.endsWith("-prof perfnorm"), full);
        assertTrue(Path.of(JmhRunner.javaBinary()).getFileName().toString().startsWith("java"));
    }

    @Test
    void progressLinePerFork() {
        JmhProgress p = new JmhProgress();
        assertEquals(Optional.empty(), p.accept("# Benchmark: dev.gclab.bench.BarrierBench.setRef"));
        assertEquals(Optional.empty(), p.accept("# Parameters: (checks = FULL)"));
        assertEquals(Optional.empty(), p.accept("# Run progress: 12.34% complete, ETA 00:01:02"));
        assertEquals(Optional.of("[ 12%  ETA 00:01:02] BarrierBench.setRef checks=FULL"), p.accept("# Fork: 1 of 1"));
        p.accept("WARNING: A terminally deprecated method has been called by org.openjdk.jmh.util.Utils");
        p.accept("# Benchmark: dev.gclab.bench.RcBench.dropTree");
        p.accept("# Run progress: 50.00% complete, ETA 00:00:30");
        assertEquals(Optional.of("[ 50%  ETA 00:00:30] RcBench.dropTree (fork 2/2)"), p.accept("# Fork: 2 of 2"));
        assertEquals(Optional.of("  RcBench.dropTree: FAILED"), p.accept("<failure>"));
        assertFalse(p.tail().stream().anyMatch(l -> l.startsWith("WARNING")));
        for (int i = 0; i < 100; i++) p.accept("line " + i);
        assertEquals(JmhProgress.TAIL, p.tail().size());
        assertEquals("line 99", p.tail().getLast());
    }

    @Test
    void perfOutputParsing() {
        assertFalse(Perf.countsInstructions(" Performance counter stats for 'true':\n\n   <not supported>      instructions\n"));
        assertTrue(Perf.countsInstructions(" Performance counter stats for 'true':\n\n         1,234,567      instructions:u   #  0.5 insn per cycle\n"));
    }

    @Test
    void quickSplitsTheSingleShotBenchmarksIntoASecondRunWithMoreShots() {
        List<JmhRunner.Pass> passes = JmhRunner.splitQuick(List.of("dev.gclab.bench.AllocationBench.allocate",
            "dev.gclab.bench.RcBench.dropTree", "dev.gclab.bench.RcBench.detectGarbageCycles", "dev.gclab.bench.RcBench.youngCollection"));
        assertEquals(2, passes.size());
        assertEquals(JmhRunner.QUICK, passes.get(0).settings());
        assertEquals(2, passes.get(0).includes().size());
        assertTrue(java.util.regex.Pattern.compile(passes.get(0).includes().get(0)).matcher("dev.gclab.bench.AllocationBench.allocate").find());
        assertFalse(java.util.regex.Pattern.compile(passes.get(0).includes().get(0)).matcher("dev.gclab.bench.AllocationBench.allocateNoGc").find(),
            "names are matched exactly");
        assertEquals(JmhRunner.QUICK_SINGLE_SHOT, passes.get(1).settings());
        assertEquals(2, passes.get(1).includes().size());
        // only single-shot benchmarks: one run
        assertEquals(List.of(JmhRunner.QUICK_SINGLE_SHOT),
            JmhRunner.splitQuick(List.of("dev.gclab.bench.RcBench.dropTree")).stream().map(JmhRunner.Pass::settings).toList());
    }
}
