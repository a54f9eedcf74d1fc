package dev.gclab.reports.text;

import dev.gclab.workloads.Numbers;
import dev.gclab.reports.runner.RunResult;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.stream.Collectors;

/**
 * The table {@code gclab compare} prints: one column per run (collector), one row per metric —
 * cycles, pauses, times, peak heap, then every work counter and every collector counter any of the
 * runs has (a run without it shows {@code -}). Values are right-aligned under the collector names.
 * When the columns do not fit the width (100 characters by default), they are split into blocks of
 * as many columns as fit, each block repeating the metric names.
 */
public final class CompareTable {
    public static final int DEFAULT_WIDTH = 100;
    static final String MISSING = "-";
    private static final String GAP = "  ";

    private CompareTable() {}

    /** A header line (what ran) and the table, at most {@value #DEFAULT_WIDTH} characters wide if the names allow. */
    public static String format(List<RunResult> runs) { return format(runs, DEFAULT_WIDTH); }

    public static String format(List<RunResult> runs, int width) {
        if (runs.isEmpty()) throw new IllegalArgumentException("nothing to compare");
        StringBuilder sb = new StringBuilder();
        sb.append(header(runs.getFirst()));
        List<Row> rows = rows(runs);
        List<String> labels = labels(runs);
        int labelWidth = rows.stream().mapToInt(r -> r.label.length()).max().orElse(0);
        int[] colWidth = new int[runs.size()];
        for (int c = 0; c < runs.size(); c++) {
            colWidth[c] = labels.get(c).length();
            for (Row r : rows) if (r.values != null) colWidth[c] = Math.max(colWidth[c], r.values.get(c).length());
        }
        int start = 0;
        while (start < runs.size()) {
            int end = start + 1; // at least one column per block, however wide
            int used = labelWidth + GAP.length() + colWidth[start];
            while (end < runs.size() && used + GAP.length() + colWidth[end] <= width) used += GAP.length() + colWidth[end++];
            sb.append('\n');
            block(sb, labels, rows, labelWidth, colWidth, start, end);
            start = end;
        }
        return sb.toString();
    }

    private static String header(RunResult r) {
        String params = r.params().isEmpty() ? "" : r.params().entrySet().stream()
            .map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ", ", params ", ""));
        return String.format(Locale.ROOT, "%-10s %s%n%-10s %s%n", "compare", r.workload() + ", size " + Numbers.format(r.size()) + params + ", seed " + r.seed(),
            "heap", Units.bytes(r.heapBytes()) + ", mark bits " + r.markBits() + ", checks " + r.checks()
                + ", growth " + r.growthFactor() + ", verify " + (r.verify() ? "on" : "off"));
    }

    /** Column labels: the collector's name, with its options as {@code name:key=value:...} when it has any. */
    public static List<String> labels(List<RunResult> runs) {
        List<String> out = new ArrayList<>();
        for (RunResult r : runs) {
            out.add(r.collector() + r.collectorOptions().entrySet().stream().map(e -> ":" + e.getKey() + "=" + e.getValue()).collect(Collectors.joining()));
        }
        return out;
    }

    private static void block(StringBuilder sb, List<String> labels, List<Row> rows, int labelWidth, int[] colWidth, int start, int end) {
        StringBuilder line = new StringBuilder(String.format(Locale.ROOT, "%-" + labelWidth + "s", ""));
        for (int c = start; c < end; c++) line.append(GAP).append(String.format(Locale.ROOT, "%" + colWidth[c] + "s", labels.get(c)));
        sb.append(line.toString().stripTrailing()).append('\n');
        for (Row r : rows) {
            line.setLength(0);
            line.append(String.format(Locale.ROOT, "%-" + labelWidth + "s", r.label));
            if (r.values != null) {
                for (int c = start; c < end; c++) line.append(GAP).append(String.format(Locale.ROOT, "%" + colWidth[c] + "s", r.values.get(c)));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
    }

    /** A labelled row of one value per run, or a section heading ({@code values} null). */
    private record Row(String label, List<String> values) {}

    private static List<Row> rows(List<RunResult> runs) {
        List<Row> rows = new ArrayList<>();
        rows.add(row(runs, "GC cycles", r -> Units.count(r.gcCycles())));
        if (runs.stream().anyMatch(r -> r.youngCycles() > 0)) rows.add(row(runs, "  young", r -> Units.count(r.youngCycles())));
        rows.add(row(runs, "pauses", r -> Units.count(r.pauses().count())));
        rows.add(row(runs, "  p50", r -> pause(r, r.pauses().p50Ns())));
        rows.add(row(runs, "  p99", r -> pause(r, r.pauses().p99Ns())));
        rows.add(row(runs, "  max", r -> pause(r, r.pauses().maxNs())));
        if (runs.stream().anyMatch(r -> r.pausesMinor().count() > 0)) {
            rows.add(row(runs, "minor pauses", r -> Units.count(r.pausesMinor().count())));
            rows.add(row(runs, "  p99", r -> r.pausesMinor().count() == 0 ? MISSING : Units.nanos(r.pausesMinor().p99Ns())));
            rows.add(row(runs, "  max", r -> r.pausesMinor().count() == 0 ? MISSING : Units.nanos(r.pausesMinor().maxNs())));
            rows.add(row(runs, "major pauses", r -> Units.count(r.pausesMajor().count())));
            rows.add(row(runs, "  p99", r -> r.pausesMajor().count() == 0 ? MISSING : Units.nanos(r.pausesMajor().p99Ns())));
            rows.add(row(runs, "  max", r -> r.pausesMajor().count() == 0 ? MISSING : Units.nanos(r.pausesMajor().maxNs())));
        }
        for (double w : new double[] {1, 10, 100}) {
            if (runs.stream().anyMatch(r -> !r.mmu().isEmpty())) rows.add(row(runs, "MMU " + (int) w + " ms", r -> RunSummary.mmuAt(r, w)));
        }
        rows.add(row(runs, "GC time", r -> Units.nanos(r.gcNs())));
        rows.add(row(runs, "mutator time", r -> Units.nanos(r.mutatorNs())));
        if (runs.stream().anyMatch(RunResult::verify)) rows.add(row(runs, "verify time", r -> Units.nanos(r.verifyNs())));
        rows.add(row(runs, "wall time", r -> Units.nanos(r.wallNs())));
        rows.add(row(runs, "GC share", r -> r.wallNs() <= 0 ? MISSING : String.format(Locale.ROOT, "%.1f%%", 100.0 * r.gcNs() / r.wallNs())));
        rows.add(row(runs, "peak heap", r -> Units.bytes(r.peakInUseBytes())));
        spaces(rows, runs);
        counters(rows, runs, "work counters", RunResult::work);
        counters(rows, runs, "collector counters", RunResult::collectorCounters);
        return rows;
    }

    private static String pause(RunResult r, long ns) { return r.pauses().count() == 0 ? MISSING : Units.nanos(ns); }

    private static Row row(List<RunResult> runs, String label, Function<RunResult, String> value) {
        return new Row(label, runs.stream().map(value).toList());
    }

    /** Per space (by name, in the order the runs first name them): live, peak and (where any) copied bytes. */
    private static void spaces(List<Row> rows, List<RunResult> runs) {
        Set<String> names = new LinkedHashSet<>();
        for (RunResult r : runs) names.addAll(r.spaces().keySet());
        for (String name : names) {
            rows.add(new Row("space " + name, null));
            rows.add(row(runs, "  live", r -> space(r, name, RunResult.SpaceStats::liveBytes)));
            rows.add(row(runs, "  peak", r -> space(r, name, RunResult.SpaceStats::peakBytes)));
            if (runs.stream().anyMatch(r -> r.spaces().containsKey(name) && r.spaces().get(name).copiedBytes() > 0)) {
                rows.add(row(runs, "  copied in", r -> space(r, name, RunResult.SpaceStats::copiedBytes)));
            }
        }
    }

    private static String space(RunResult r, String name, java.util.function.ToLongFunction<RunResult.SpaceStats> f) {
        RunResult.SpaceStats sp = r.spaces().get(name);
        return sp == null ? MISSING : Units.bytes(f.applyAsLong(sp));
    }

    /** A heading and one row per counter name, in the order the runs first name them. */
    private static void counters(List<Row> rows, List<RunResult> runs, String heading, Function<RunResult, Map<String, Long>> of) {
        Set<String> names = new LinkedHashSet<>();
        for (RunResult r : runs) names.addAll(of.apply(r).keySet());
        if (names.isEmpty()) return;
        rows.add(new Row(heading, null));
        for (String name : names) {
            rows.add(row(runs, "  " + name, r -> {
                Long v = of.apply(r).get(name);
                return v == null ? MISSING : Units.count(v);
            }));
        }
    }
}
