package dev.gclab.reports.report;

import dev.gclab.reports.GclabVersion;
import dev.gclab.reports.runner.RunResult;
import dev.gclab.reports.sweep.Sweep;
import dev.gclab.reports.text.Units;
import dev.gclab.workloads.Numbers;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The page {@code gclab report} writes: one self-contained HTML file (inline CSS and SVG; no script, no
 * network, nothing to fetch) from any mix of run, compare and sweep files.
 *
 * <p>Runs are grouped by condition: the same workload, size, parameters, heap, mark bits, checks, growth
 * and verification (several run files of one condition read as one comparison; a collector's several
 * runs are its invocations). Each group shows a summary table (one row per collector label: GC cycles,
 * pause p50/p99/max, GC, mutator and wall time, peak heap, bytes copied and promoted; the median over
 * invocations with their min–max spread, and the ratio to the baseline collector), the pause-time
 * distribution, the MMU curves and each collector's heap occupancy ({@link Charts}). A sweep shows each
 * collector's minimum heap, GC time and total time against heap factor, and one of its factors as a
 * group (the smallest at which every collector completed every invocation, or {@code --factor}). The
 * last section lists how every input was made: command lines, seeds, versions, JDK, OS, machine and JVM
 * options. Every name from an input is HTML-escaped; every chart has its data in a {@code <details>}
 * table; the summary cells carry their exact values in {@code data-value} (for tests and scrapers).
 */
public final class HtmlReport {
    /** A metric of the summary table. */
    private record Metric(String key, String title, Function<RunResult, Long> value, Function<Long, String> format) {}

    private static final List<Metric> METRICS = List.of(
        new Metric("gc_cycles", "GC cycles", RunResult::gcCycles, Units::count),
        new Metric("pauses.p50_ns", "pause p50", r -> r.pauses().count() == 0 ? null : r.pauses().p50Ns(), Units::nanos),
        new Metric("pauses.p99_ns", "pause p99", r -> r.pauses().count() == 0 ? null : r.pauses().p99Ns(), Units::nanos),
        new Metric("pauses.max_ns", "pause max", r -> r.pauses().count() == 0 ? null : r.pauses().maxNs(), Units::nanos),
        new Metric("gc_ns", "GC time", RunResult::gcNs, Units::nanos),
        new Metric("mutator_ns", "mutator time", RunResult::mutatorNs, Units::nanos),
        new Metric("wall_ns", "wall time", RunResult::wallNs, Units::nanos),
        new Metric("peak_in_use_bytes", "peak heap", RunResult::peakInUseBytes, Units::bytes),
        new Metric("copied_bytes", "bytes copied", HtmlReport::copied, Units::bytes),
        new Metric("promoted_bytes", "bytes promoted", HtmlReport::promoted, Units::bytes));

    /** Bytes copied by the collector: the sum of {@code copied_bytes} over the spaces. */
    static Long copied(RunResult r) {
        if (r.spaces().isEmpty()) return null;
        return r.spaces().values().stream().mapToLong(RunResult.SpaceStats::copiedBytes).sum();
    }

    /** Bytes promoted: the collector counter {@code promoted_bytes} (or {@code bytes_promoted}) where a collector reports one. */
    static Long promoted(RunResult r) {
        Long v = r.collectorCounters().get("promoted_bytes");
        return v != null ? v : r.collectorCounters().get("bytes_promoted");
    }

    private final List<ReportInput> inputs;
    private final String baseline;
    private final Double factor;
    private final Map<String, String> colours = new LinkedHashMap<>();
    private int ids;

    /**
     * @param baseline the label ratios are taken to (null: the first label of the inputs)
     * @param factor   the sweep factor to show as a group (null: the smallest at which all completed)
     */
    public HtmlReport(List<ReportInput> inputs, String baseline, Double factor) {
        this.inputs = List.copyOf(inputs);
        for (ReportInput in : inputs) {
            if (in.sweep() != null) for (Sweep.Collector c : in.sweep().collectors()) colour(c.label());
            for (RunResult r : in.runs()) colour(r.label());
        }
        this.baseline = baseline != null ? baseline : colours.keySet().stream().findFirst().orElse(null);
        this.factor = factor;
    }

    /** Every label of the inputs, in order of first appearance. */
    public Set<String> labels() { return colours.keySet(); }

    private String colour(String label) {
        return colours.computeIfAbsent(label, l -> Svg.COLOURS[colours.size() % Svg.COLOURS.length]);
    }

    private String nextId(String prefix) { return prefix + "-" + (++ids); }

    /** The group key of a run: everything of the condition but the collector and the seed. */
    static String condition(RunResult r) {
        return String.join("|", r.workload(), Double.toString(r.size()), r.params().toString(), Long.toString(r.heapBytes()), r.markBits(),
            r.checks(), Double.toString(r.growthFactor()), Boolean.toString(r.verify()));
    }

    static String conditionTitle(RunResult r) {
        String params = r.params().isEmpty() ? "" : ", " + r.params().entrySet().stream().map(e -> e.getKey() + "=" + e.getValue())
            .collect(Collectors.joining(" "));
        return r.workload() + ", size " + Numbers.format(r.size()) + params + ", heap " + Units.bytes(r.heapBytes())
            + (r.markBits().equals("side") ? "" : ", mark bits " + r.markBits()) + (r.checks().equals("full") ? "" : ", checks " + r.checks())
            + (r.growthFactor() == 2.0 ? "" : ", growth " + Numbers.format(r.growthFactor())) + (r.verify() ? ", verified" : "");
    }

    public String render() {
        StringBuilder body = new StringBuilder();
        StringBuilder nav = new StringBuilder("<nav><h2>Contents</h2><ul>\n");
        for (ReportInput in : inputs) {
            if (in.sweep() == null) continue;
            String id = nextId("sweep");
            nav.append("<li><a href=\"#").append(id).append("\">Sweep: ").append(Html.esc(in.sweep().workload())).append(" (")
                .append(Html.esc(in.file().getFileName().toString())).append(")</a></li>\n");
            body.append(sweepSection(id, in));
        }
        Map<String, List<RunResult>> groups = new LinkedHashMap<>();
        for (ReportInput in : inputs) {
            if (in.sweep() != null) continue;
            for (RunResult r : in.runs()) groups.computeIfAbsent(condition(r), k -> new ArrayList<>()).add(r);
        }
        for (List<RunResult> runs : groups.values()) {
            String id = nextId("group");
            String title = conditionTitle(runs.getFirst());
            nav.append("<li><a href=\"#").append(id).append("\">").append(Html.esc(title)).append("</a></li>\n");
            body.append("<section class=\"group\" id=\"").append(id).append("\">\n<h2>").append(Html.esc(title)).append("</h2>\n");
            body.append(group(runs));
            body.append("</section>\n");
        }
        nav.append("<li><a href=\"#provenance\">How these results were made</a></li>\n</ul></nav>\n");
        StringBuilder page = new StringBuilder(16_384 + body.length());
        page.append("<!DOCTYPE html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n")
            .append("<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n")
            .append("<link rel=\"icon\" href=\"data:,\">\n")
            .append("<title>gclab report: ").append(Html.esc(String.join(", ", labels()))).append("</title>\n<style>\n").append(CSS).append("</style>\n</head>\n<body>\n");
        page.append("<header><h1>gclab report</h1>\n<p>").append(Html.esc(String.join(", ", labels()))).append(" &middot; ")
            .append(inputs.size()).append(" input file").append(inputs.size() == 1 ? "" : "s").append(": ")
            .append(inputs.stream().map(in -> "<code>" + Html.esc(in.file().getFileName().toString()) + "</code> (" + in.kind() + ")")
                .collect(Collectors.joining(", ")))
            .append(". Baseline for ratios: <b>").append(Html.esc(baseline)).append("</b>. Written ")
            .append(Html.esc(Instant.now().toString())).append(" by gclab ").append(Html.esc(GclabVersion.get())).append(".</p></header>\n");
        page.append(nav).append(body).append(provenance()).append("</body>\n</html>\n");
        return page.toString();
    }

    // ---------------------------------------------------------------- a group of runs

    private String group(List<RunResult> runs) {
        Map<String, List<RunResult>> byLabel = new LinkedHashMap<>();
        for (RunResult r : runs) byLabel.computeIfAbsent(r.label(), k -> new ArrayList<>()).add(r);
        List<Charts.LabelRuns> labels = new ArrayList<>();
        for (Map.Entry<String, List<RunResult>> e : byLabel.entrySet()) labels.add(new Charts.LabelRuns(e.getKey(), colour(e.getKey()), e.getValue()));
        StringBuilder sb = new StringBuilder();
        Set<Long> seeds = new TreeSet<>();
        for (RunResult r : runs) seeds.add(r.seed());
        sb.append("<p class=\"meta\">").append(runs.size()).append(" run").append(runs.size() == 1 ? "" : "s").append(", seed")
            .append(seeds.size() == 1 ? " " : "s ").append(seeds.stream().map(String::valueOf).collect(Collectors.joining(", "))).append(".</p>\n");
        sb.append("<h3>Summary</h3>\n").append(summary(labels));
        sb.append("<h3>Pause-time distribution</h3>\n").append(figure(Charts.pauseDistribution(nextId("pauses"), labels)));
        sb.append("<h3>Minimum mutator utilisation</h3>\n").append(figure(Charts.mmu(nextId("mmu"), labels)));
        sb.append("<h3>Heap occupancy</h3>\n");
        int shown = 0;
        for (Charts.LabelRuns lr : labels) {
            Charts.Figure f = Charts.occupancy(nextId("heap"), lr.label(), lr.colour(), lr.runs().getFirst());
            if (f != null) {
                sb.append(figure(f));
                shown++;
            }
        }
        if (shown == 0) sb.append("<p class=\"note\">The input files have no timeline (written before gclab recorded one).</p>\n");
        return sb.toString();
    }

    private String summary(List<Charts.LabelRuns> labels) {
        Charts.LabelRuns base = labels.stream().filter(l -> l.label().equals(baseline)).findFirst().orElse(null);
        StringBuilder sb = new StringBuilder("<div class=\"scroll\"><table class=\"summary\">\n<thead><tr><th>collector</th><th>runs</th>");
        for (Metric m : METRICS) sb.append("<th>").append(Html.esc(m.title())).append("</th>");
        sb.append("</tr></thead>\n<tbody>\n");
        for (Charts.LabelRuns lr : labels) {
            sb.append("<tr data-label=\"").append(Html.esc(lr.label())).append("\"><th scope=\"row\"><span class=\"swatch\" style=\"background:")
                .append(lr.colour()).append("\"></span>").append(Html.esc(lr.label()))
                .append(lr == base ? " <small>(baseline)</small>" : "").append("</th><td class=\"num\" data-metric=\"runs\" data-value=\"")
                .append(lr.runs().size()).append("\">").append(lr.runs().size()).append("</td>");
            for (Metric m : METRICS) {
                long[] v = lr.runs().stream().map(m.value()).filter(Objects::nonNull).mapToLong(Long::longValue).sorted().toArray();
                if (v.length == 0) {
                    sb.append("<td class=\"num missing\" data-metric=\"").append(m.key()).append("\">-</td>");
                    continue;
                }
                double med = Stats.median(v);
                long shownValue = Math.round(med);
                sb.append("<td class=\"num\" data-metric=\"").append(m.key()).append("\" data-value=\"").append(shownValue).append("\">")
                    .append("<span class=\"value\">").append(Html.esc(m.format().apply(shownValue))).append("</span>");
                if (base != null && lr != base) {
                    long[] b = base.runs().stream().map(m.value()).filter(Objects::nonNull).mapToLong(Long::longValue).toArray();
                    if (b.length > 0 && Stats.median(b) > 0) {
                        double ratio = med / Stats.median(b);
                        sb.append("<span class=\"ratio ").append(ratio > 1.005 ? "up" : ratio < 0.995 ? "down" : "same").append("\">")
                            .append(String.format(Locale.ROOT, "%.2f×", ratio)).append("</span>");
                    }
                }
                if (v.length > 1) {
                    sb.append("<span class=\"spread\" title=\"min – max over ").append(v.length).append(" invocations\">")
                        .append(Html.esc(m.format().apply(v[0]))).append(" – ").append(Html.esc(m.format().apply(v[v.length - 1]))).append("</span>");
                }
                sb.append("</td>");
            }
            sb.append("</tr>\n");
        }
        sb.append("</tbody></table></div>\n<p class=\"note\">Medians over each collector's runs; ")
            .append(base == null ? "no ratios: the baseline " + Html.esc(baseline) + " is not in this group"
                : "ratios to the baseline <b>" + Html.esc(base.label()) + "</b> (above 1: more than the baseline)")
            .append("; where a collector ran several times, the range from the lowest to the highest. Bytes copied: the sum over the spaces; "
                + "bytes promoted: the collector counter <code>bytes_promoted</code> (or <code>promoted_bytes</code>) where a collector reports one.</p>\n");
        return sb.toString();
    }

    private static String figure(Charts.Figure f) {
        return "<figure class=\"chart-figure\">\n" + f.svg() + "\n<figcaption>" + Html.esc(f.caption()) + "</figcaption>\n"
            + "<details><summary>data</summary>\n" + f.table() + "\n</details>\n</figure>\n";
    }

    // ---------------------------------------------------------------- sweeps

    private String sweepSection(String id, ReportInput in) {
        Sweep s = in.sweep();
        StringBuilder sb = new StringBuilder("<section class=\"sweep\" id=\"").append(id).append("\">\n<h2>Sweep: ")
            .append(Html.esc(s.workload())).append(", size ").append(Html.esc(Numbers.format(s.size()))).append(", seed ").append(s.seed())
            .append("</h2>\n<p class=\"meta\">From <code>").append(Html.esc(in.file().getFileName().toString())).append("</code>: ")
            .append(s.invocations()).append(" invocation").append(s.invocations() == 1 ? "" : "s").append(" per point, ")
            .append(s.jvm().equals("child") ? "each in a fresh JVM" : "all in one JVM").append("; heap factors ")
            .append(s.heapFactors().stream().map(f -> Charts.number(f) + "×").collect(Collectors.joining(", "))).append(" of ")
            .append(Units.bytes(s.baseHeapBytes())).append(", the largest minimum heap.</p>\n");
        sb.append("<h3>Minimum heap</h3>\n<table class=\"minheap\"><thead><tr><th>collector</th><th>minimum heap</th><th>probes</th></tr></thead><tbody>\n");
        for (Sweep.Collector c : s.collectors()) {
            sb.append("<tr data-label=\"").append(Html.esc(c.label())).append("\"><th scope=\"row\"><span class=\"swatch\" style=\"background:")
                .append(colour(c.label())).append("\"></span>").append(Html.esc(c.label())).append("</th><td class=\"num\"")
                .append(c.minHeapBytes() == null ? ">none (fails at " + Html.esc(Units.bytes(s.searchMaxBytes())) + ")"
                    : " data-value=\"" + c.minHeapBytes() + "\">" + Html.esc(Units.bytes(c.minHeapBytes())))
                .append("</td><td>").append(c.probes().stream().map(p -> Units.bytes(p.heapBytes()) + (p.completed() ? " ✓" : " ✗"))
                    .map(Html::esc).collect(Collectors.joining(", "))).append("</td></tr>\n");
        }
        sb.append("</tbody></table>\n<p class=\"note\">The smallest heap at which the run completed, by bisection between 1 MiB and ")
            .append(Html.esc(Units.bytes(s.searchMaxBytes()))).append(": exact to ").append(Html.esc(Numbers.format(100 * s.minHeapPrecision())))
            .append(" % (the largest heap that failed is at most that much smaller). ✓ completed, ✗ failed.</p>\n");
        sb.append("<h3>GC time against heap size</h3>\n").append(figure(Charts.sweepTime(nextId("sweep-gc"), s, colours, true)));
        sb.append("<h3>Total time against heap size</h3>\n").append(figure(Charts.sweepTime(nextId("sweep-total"), s, colours, false)));
        Double at = chosenFactor(s);
        if (at != null) {
            List<RunResult> runs = s.points().stream().filter(p -> p.heapFactor() == at && p.completed()).map(Sweep.Point::result).toList();
            sb.append("<h3>At ").append(Charts.number(at)).append("× the minimum heap</h3>\n<p class=\"meta\">")
                .append(factor != null ? "Chosen with --factor." : "The smallest factor at which every collector completed every invocation.")
                .append("</p>\n");
            sb.append(group(runs));
        } else {
            sb.append("<p class=\"note\">No factor at which every collector completed.</p>\n");
        }
        sb.append("</section>\n");
        return sb.toString();
    }

    private Double chosenFactor(Sweep s) {
        if (factor != null) return s.heapFactors().contains(factor) ? factor : null;
        for (double f : s.heapFactors().stream().sorted().toList()) {
            boolean all = s.points().stream().filter(p -> p.heapFactor() == f).allMatch(Sweep.Point::completed)
                && s.points().stream().anyMatch(p -> p.heapFactor() == f);
            if (all) return f;
        }
        for (double f : s.heapFactors().stream().sorted(java.util.Comparator.reverseOrder()).toList()) {
            if (s.points().stream().anyMatch(p -> p.heapFactor() == f && p.completed())) return f;
        }
        return null;
    }

    // ---------------------------------------------------------------- provenance

    private String provenance() {
        StringBuilder sb = new StringBuilder("<section id=\"provenance\">\n<h2>How these results were made</h2>\n");
        for (ReportInput in : inputs) {
            sb.append("<h3><code>").append(Html.esc(in.file().toString())).append("</code> (").append(in.kind()).append(")</h3>\n<dl>\n");
            if (in.command() != null) sb.append("<dt>command</dt><dd><code>").append(Html.esc(in.command())).append("</code></dd>\n");
            else sb.append("<dt>command</dt><dd>not recorded (a file from before gclab recorded it)</dd>\n");
            List<RunResult> runs = in.runs();
            distinct(sb, "gclab", runs, RunResult::gclabVersion);
            distinct(sb, "workload", runs, r -> r.workload() + ", size " + Numbers.format(r.size())
                + (r.params().isEmpty() ? "" : ", " + r.params()));
            if (in.sweep() != null) sb.append("<dt>seed</dt><dd>").append(in.sweep().seed()).append("</dd>\n");
            else distinct(sb, "seed", runs, r -> Long.toString(r.seed()));
            distinct(sb, "JDK", runs, RunResult::jdkVersion);
            distinct(sb, "OS", runs, r -> r.os().name() + " " + r.os().arch() + " " + r.os().version());
            distinct(sb, "machine", runs, r -> (r.machine().cpuModel() == null ? "" : r.machine().cpuModel() + ", ")
                + r.machine().availableProcessors() + " processors, JVM maximum memory " + Units.bytes(r.machine().jvmMaxMemoryBytes()));
            distinct(sb, "JVM options", runs, r -> r.jvmArgs().isEmpty() ? "not recorded" : String.join(" ", r.jvmArgs()));
            sb.append("</dl>\n<details><summary>every run (").append(runs.size()).append(")</summary>\n<table class=\"data\"><thead><tr><th>collector</th>")
                .append("<th>seed</th><th>heap</th><th>started</th><th>command that repeats it</th></tr></thead><tbody>\n");
            for (RunResult r : runs) {
                sb.append("<tr><td>").append(Html.esc(r.label())).append("</td><td class=\"num\">").append(r.seed()).append("</td><td class=\"num\">")
                    .append(Html.esc(Units.bytes(r.heapBytes()))).append("</td><td>").append(Html.esc(r.timestamp())).append("</td><td><code>")
                    .append(Html.esc(r.command() == null ? "-" : r.command())).append("</code></td></tr>\n");
            }
            sb.append("</tbody></table>\n</details>\n");
        }
        sb.append("</section>\n");
        return sb.toString();
    }

    private static void distinct(StringBuilder sb, String title, List<RunResult> runs, Function<RunResult, String> f) {
        Set<String> values = new LinkedHashSet<>();
        for (RunResult r : runs) values.add(f.apply(r));
        if (values.isEmpty()) return;
        sb.append("<dt>").append(Html.esc(title)).append("</dt><dd>").append(values.stream().map(Html::esc).collect(Collectors.joining("<br>")))
            .append("</dd>\n");
    }

    static final String CSS = """
        body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, "DejaVu Sans", sans-serif; color: #222; margin: 0 auto;
               max-width: 1120px; padding: 16px 24px 48px; background: #fafafa; }
        h1 { font-size: 26px; margin: 8px 0; } h2 { font-size: 20px; margin: 32px 0 8px; border-bottom: 2px solid #ddd; padding-bottom: 4px; }
        h3 { font-size: 16px; margin: 20px 0 6px; }
        code { font: 12px/1.4 ui-monospace, "DejaVu Sans Mono", monospace; background: #f0f0f0; padding: 1px 3px; border-radius: 3px;
               overflow-wrap: anywhere; }
        nav ul { margin: 4px 0; padding-left: 20px; } nav h2 { border: 0; font-size: 16px; margin: 12px 0 0; }
        section { background: #fff; border: 1px solid #e2e2e2; border-radius: 6px; padding: 4px 18px 14px; margin: 18px 0; }
        table { border-collapse: collapse; font-size: 13px; }
        th, td { padding: 4px 8px; border-bottom: 1px solid #e6e6e6; text-align: left; vertical-align: top; }
        thead th { background: #f3f3f3; font-weight: 600; }
        td.num { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
        table.summary td .value { display: block; font-weight: 600; }
        table.summary td .ratio, table.summary td .spread { display: block; font-size: 11px; color: #666; }
        .ratio.up { color: #b3401a; } .ratio.down { color: #1a7a3a; }
        tbody th { white-space: nowrap; }
        .swatch { display: inline-block; width: 10px; height: 10px; border-radius: 2px; margin-right: 6px; }
        .scroll { overflow-x: auto; }
        figure.chart-figure { margin: 10px 0 18px; }
        svg.chart { max-width: 100%; height: auto; display: block; border: 1px solid #eee; font-family: inherit; }
        figcaption { font-size: 12px; color: #555; margin: 4px 0; max-width: 760px; }
        details { margin: 4px 0; } summary { cursor: pointer; color: #0056a3; font-size: 12px; }
        details table.data { margin: 6px 0; }
        .note, .meta { font-size: 12px; color: #555; }
        dl { display: grid; grid-template-columns: max-content 1fr; gap: 2px 12px; font-size: 13px; } dt { font-weight: 600; } dd { margin: 0; }
        """;
}
