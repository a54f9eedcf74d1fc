package dev.gclab.reports.cli;

import com.fasterxml.jackson.databind.JsonNode;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.reports.browser.Chromium;
import dev.gclab.reports.export.TraceEventsFormat;
import dev.gclab.reports.json.ComparisonJson;
import dev.gclab.reports.json.SweepJson;
import dev.gclab.reports.runner.RunResult;
import dev.gclab.reports.sweep.Sweep;
import dev.gclab.reports.text.Units;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import javax.imageio.ImageIO;
import java.awt.image.BufferedImage;
import java.io.ByteArrayInputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/**
 * The report of real {@code compare} (child JVMs) and {@code sweep} results, loaded in headless Chromium:
 * no console errors, every chart's SVG laid out with a non-empty box, a screenshot that is not blank, and
 * the summary tables' numbers equal to the JSON files'. Skipped, with the reason, where Chromium is missing.
 */
class ReportBrowserTest {
    @Test
    void reportOfRealCompareAndSweepRendersInChromium(@TempDir Path dir) throws Exception {
        Path chromium = Chromium.find();
        Assumptions.assumeTrue(chromium != null, Chromium::missing);
        List<String> names = CollectorRegistry.all().stream().map(CollectorProvider::name).limit(2).toList();
        Path cmp = dir.resolve("cmp.json"), sweep = dir.resolve("sweep.json"), trace = dir.resolve("cmp.trace.json"), html = dir.resolve("report.html");
        CliResult c = CliResult.run("compare", "-w", "testchurn", "-c", String.join(",", names), "--seed", "7", "--heap", "4m", "--size", "3", "-p", "keep=4096",
            "-q", "--json", cmp.toString(), "--trace-events", trace.toString());
        assertEquals(0, c.code(), c::toString);
        assertTrue(ComparisonJson.read(cmp).comparison().stream().anyMatch(x -> x.pauses().p50Ns() != x.pauses().p99Ns()
            && x.pauses().p90Ns() != x.pauses().p99Ns()), "pauses varied enough that a mixed-up percentile shows");
        CliResult s = CliResult.run("sweep", "-w", "testchurn", "-c", String.join(",", names), "-p", "keep=8192", "--seed", "3",
            "--heap", "16m", "--heap-factors", "0.5,2", "--invocations", "2", "--jvm", "same", "--json", sweep.toString());
        assertEquals(0, s.code(), s::toString);
        CliResult r = CliResult.run("report", cmp.toString(), sweep.toString(), "-o", html.toString(), "--baseline", names.getFirst());
        assertEquals(0, r.code(), r::toString);
        TraceEventsFormat.check(Files.readString(trace)); // the trace of the same comparison opens in Perfetto

        try (Chromium browser = Chromium.start(chromium, dir)) {
            browser.navigate(html.toUri().toString());
            JsonNode boxes = browser.evaluate("Array.from(document.querySelectorAll('svg')).map(s => { const b = s.getBoundingClientRect(); "
                + "return {id: s.id, w: b.width, h: b.height, children: s.childElementCount}; })");
            List<String> kinds = new ArrayList<>();
            for (JsonNode b : boxes) {
                assertTrue(b.get("w").asDouble() > 100 && b.get("h").asDouble() > 50 && b.get("children").asInt() > 3, "chart laid out: " + b);
                kinds.add(b.get("id").asText().replaceAll("-\\d+$", ""));
            }
            // the sweep's two time charts, and per group (the comparison; the sweep at one factor) pauses, MMU, occupancy per collector
            assertEquals(List.of("sweep-gc", "sweep-total", "pauses", "mmu", "heap", "heap", "pauses", "mmu", "heap", "heap"), kinds, boxes::toString);

            JsonNode cells = browser.evaluate("Array.from(document.querySelectorAll('table.summary')).map(t => "
                + "Array.from(t.querySelectorAll('tr[data-label]')).map(tr => ({label: tr.dataset.label, cells: "
                + "Array.from(tr.querySelectorAll('td[data-value]')).map(td => ({metric: td.dataset.metric, value: td.dataset.value, "
                + "text: (td.querySelector('.value') || td).textContent}))})))");
            assertEquals(2, cells.size(), cells::toString);
            Sweep sw = SweepJson.read(sweep);
            List<RunResult> atTwo = sw.points().stream().filter(p -> p.heapFactor() == 2.0).map(Sweep.Point::result).toList();
            checkTable(cells.get(0), sweepRuns(atTwo), names);
            checkTable(cells.get(1), sweepRuns(ComparisonJson.read(cmp).comparison()), names);

            BufferedImage shot = ImageIO.read(new ByteArrayInputStream(browser.screenshot(1200, 900)));
            assertTrue(variance(shot) > 200, "the screenshot is not blank: luminance variance " + variance(shot));
            assertEquals(List.of(), browser.errors(), "no console errors");
        }
    }

    private static Map<String, List<RunResult>> sweepRuns(List<RunResult> runs) {
        Map<String, List<RunResult>> m = new HashMap<>();
        for (RunResult r : runs) m.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r);
        return m;
    }

    /** Each row's cells hold the JSON's numbers (the median over invocations), shown in gclab's units. */
    private static void checkTable(JsonNode rows, Map<String, List<RunResult>> byLabel, List<String> names) {
        assertEquals(names, java.util.stream.StreamSupport.stream(rows.spliterator(), false).map(r -> r.get("label").asText()).toList());
        Map<String, Function<RunResult, Long>> metrics = Map.of("gc_cycles", RunResult::gcCycles, "pauses.p50_ns", x -> x.pauses().p50Ns(),
            "pauses.p99_ns", x -> x.pauses().p99Ns(), "pauses.max_ns", x -> x.pauses().maxNs(), "gc_ns", RunResult::gcNs,
            "mutator_ns", RunResult::mutatorNs, "wall_ns", RunResult::wallNs, "peak_in_use_bytes", RunResult::peakInUseBytes);
        for (JsonNode row : rows) {
            List<RunResult> runs = byLabel.get(row.get("label").asText());
            int checked = 0;
            for (JsonNode cell : row.get("cells")) {
                String metric = cell.get("metric").asText();
                if (metric.equals("runs")) {
                    assertEquals(runs.size(), cell.get("value").asInt());
                    continue;
                }
                Function<RunResult, Long> f = metrics.get(metric);
                if (f == null) continue;
                long[] v = runs.stream().mapToLong(f::apply).sorted().toArray();
                long median = Math.round(v.length % 2 == 1 ? v[v.length / 2] : (v[v.length / 2 - 1] + (double) v[v.length / 2]) / 2);
                assertEquals(median, cell.get("value").asLong(), row.get("label") + " " + metric);
                String shown = metric.endsWith("_bytes") ? Units.bytes(median) : metric.equals("gc_cycles") ? Units.count(median) : Units.nanos(median);
                assertEquals(shown, cell.get("text").asText(), row.get("label") + " " + metric);
                checked++;
            }
            assertEquals(metrics.size(), checked, "every metric of " + row.get("label") + " checked: " + row);
        }
    }

    /** Variance of the luminance over all pixels (0 for a page of one colour). */
    static double variance(BufferedImage img) {
        double sum = 0, sq = 0;
        long n = (long) img.getWidth() * img.getHeight();
        for (int y = 0; y < img.getHeight(); y++) {
            for (int x = 0; x < img.getWidth(); x++) {
                int rgb = img.getRGB(x, y);
                double l = 0.299 * (rgb >> 16 & 255) + 0.587 * (rgb >> 8 & 255) + 0.114 * (rgb & 255);
                sum += l;
                sq += l * l;
            }
        }
        double mean = sum / n;
        return sq / n - mean * mean;
    }
}
