package dev.gclab.reports.cli;

import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.reports.export.TidyCsv;
import dev.gclab.reports.json.ResultFormatException;
import dev.gclab.reports.json.SweepJson;
import dev.gclab.reports.sweep.Sweep;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertNotNull;
import static org.junit.jupiter.api.Assertions.assertNull;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gclab sweep}: the bisection's minimum heap, the runs at each factor, failures recorded, the JSON and CSV files. */
class SweepCommandTest {
    @Test
    void sweepFindsEachMinimumHeapAndRecordsEveryRunAndWhyOneFailed(@TempDir Path dir) throws Exception {
        List<String> names = CollectorRegistry.all().stream().map(CollectorProvider::name).toList();
        Path json = dir.resolve("s.json"), csv = dir.resolve("s.csv");
        CliResult r = CliResult.run("sweep", "-w", "testchurn", "-p", "keep=8192", "--seed", "3", "--heap", "16m", "--heap-factors", "0.5,2",
            "--invocations", "2", "--jvm", "same", "--json", json.toString(), "--csv", csv.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.err().lines().allMatch(l -> l.startsWith("sweep [minimum heap] ") || l.startsWith("sweep [runs] ")), "plain progress lines:\n" + r);
        assertTrue(r.err().contains("sweep [runs] " + names.size() * 4 + "/" + names.size() * 4 + ", elapsed "), r::toString);
        Sweep s = SweepJson.read(json);
        assertEquals(names, s.collectors().stream().map(Sweep.Collector::label).toList());
        long base = 0;
        for (Sweep.Collector c : s.collectors()) {
            Long min = c.minHeapBytes();
            assertNotNull(min, c.label() + " completes at 16 MiB");
            assertTrue(c.probes().stream().anyMatch(p -> p.heapBytes() == min && p.completed()), "a probe completed at the minimum: " + c);
            assertTrue(c.probes().stream().noneMatch(p -> p.completed() && p.heapBytes() < min), "none completed below it: " + c);
            long failedBelow = c.probes().stream().filter(p -> !p.completed()).mapToLong(Sweep.Probe::heapBytes).max().orElse(0);
            assertTrue(min == 1L << 20 || (double) min / failedBelow <= 1 + s.minHeapPrecision() || min - failedBelow <= 8192,
                "the minimum is within 2 % of a heap that failed: " + c);
            c.probes().stream().filter(p -> !p.completed()).forEach(p -> assertEquals(Sweep.Failure.OUT_OF_HEAP, p.failure().kind(), p.toString()));
            base = Math.max(base, min);
        }
        assertEquals(base, s.baseHeapBytes());
        assertTrue(base > 2L << 20, "keep=8192 needs more than 2 MiB, so half of it is a heap that exists and is too small: " + base);
        assertEquals(names.size() * 2 * 2, s.points().size());
        for (Sweep.Point p : s.points()) {
            assertEquals((long) Math.floor(p.heapFactor() * base / 8192) * 8192, p.heapBytes());
            if (p.heapFactor() == 2.0) {
                assertTrue(p.completed(), p.toString());
                assertEquals(p.heapBytes(), p.result().heapBytes());
                assertNull(p.failure());
            }
        }
        Sweep.Collector largest = s.collectors().stream().filter(c -> c.minHeapBytes() == s.baseHeapBytes()).findFirst().orElseThrow();
        for (Sweep.Point p : s.points()) {
            if (p.heapFactor() == 0.5 && p.label().equals(largest.label())) {
                assertTrue(!p.completed() && p.result() == null, "below its minimum heap the run fails: " + p);
                assertEquals(Sweep.Failure.OUT_OF_HEAP, p.failure().kind());
                assertTrue(p.failure().message().startsWith("out of heap"), p.failure().message());
            }
        }
        assertTrue(r.out().contains("base heap  "), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" *0\\.5 .*" + largest.label() + " +0/2 \\(out_of_heap\\).*")), r::toString);
        List<String> rows = Files.readAllLines(csv);
        assertEquals(TidyCsv.HEADER, rows.getFirst());
        assertTrue(rows.stream().anyMatch(l -> l.contains("," + largest.label() + ",testchurn,") && l.contains(",0.5,1,completed,0")), "a failed run is one row, completed 0");
        assertTrue(rows.stream().anyMatch(l -> l.contains(",2,2,wall_ns,")), "completed runs have their metrics");
    }

    @Test
    void badFactorsAndInvocationsAreUsageErrorsBeforeAnythingRuns() {
        for (String[] bad : new String[][] {{"--heap-factors", "1,x"}, {"--heap-factors", "0"}, {"--heap-factors", "2,2"}, {"--heap-factors", "NaN"},
            {"--invocations", "0"}, {"--invocations", "many"}, {"--jvm", "other"}}) {
            CliResult r = CliResult.run("sweep", "-w", "testchurn", bad[0], bad[1]);
            assertEquals(2, r.code(), r::toString);
            assertTrue(r.err().contains("Invalid value for option '" + bad[0] + "'"), r::toString);
            assertEquals("", r.out(), "nothing ran");
        }
    }

    @Test
    void aSweepFileIsReadStrictlyNamingTheFileAndTheFirstProblem(@TempDir Path dir) throws Exception {
        Path f = dir.resolve("bad.json");
        Files.writeString(f, "{\"schema_version\": 1, \"kind\": \"gclab-sweep\", \"workload\": \"gcbench\"}");
        ResultFormatException e = assertThrows(ResultFormatException.class, () -> SweepJson.read(f));
        assertEquals(f + ": missing key 'gclab_version'", e.getMessage());
        Files.writeString(f, "{\"schema_version\": 1, \"kind\": \"gclab-bench\"}");
        e = assertThrows(ResultFormatException.class, () -> SweepJson.read(f));
        assertTrue(e.getMessage().startsWith(f + ": not a gclab sweep: key 'kind' is \"gclab-bench\""), e.getMessage());
        Files.writeString(f, "{\"schema_version\": 1, \"kind\": \"gclab-sweep\",");
        e = assertThrows(ResultFormatException.class, () -> SweepJson.read(f));
        assertTrue(e.getMessage().startsWith(f + ": malformed JSON at line 1"), e.getMessage());
    }
}
