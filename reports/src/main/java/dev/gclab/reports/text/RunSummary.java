package dev.gclab.reports.text;

import dev.gclab.workloads.Numbers;
import dev.gclab.reports.runner.RunResult;

import java.util.Locale;
import java.util.Map;
import java.util.stream.Collectors;

/** The readable summary of a {@link RunResult} that {@code gclab run} prints: a few labelled lines and the work counters as an aligned table. */
public final class RunSummary {
    private RunSummary() {}

    public static String format(RunResult r) {
        StringBuilder sb = new StringBuilder();
        line(sb, "run", r.collector() + " on " + r.workload() + ", size " + Numbers.format(r.size()) + params(r.params()));
        line(sb, "seed", Long.toString(r.seed()));
        line(sb, "heap", Units.bytes(r.heapBytes()) + ", mark bits " + r.markBits() + ", checks " + r.checks()
            + ", growth " + r.growthFactor() + ", verify " + (r.verify() ? "on" : "off"));
        line(sb, "GC cycles", r.gcCycles() + (r.youngCycles() > 0 ? " (" + r.youngCycles() + " young)" : ""));
        RunResult.Pauses p = r.pauses();
        line(sb, "pauses", p.count() + ", total " + Units.nanos(p.totalNs()) + "; p50 " + Units.nanos(p.p50Ns())
            + ", p90 " + Units.nanos(p.p90Ns()) + ", p99 " + Units.nanos(p.p99Ns()) + ", max " + Units.nanos(p.maxNs()));
        if (r.pausesMinor().count() > 0) {
            line(sb, "  minor", pauseText(r.pausesMinor()));
            line(sb, "  major", r.pausesMajor().count() == 0 ? "none" : pauseText(r.pausesMajor()));
        }
        if (!r.mmu().isEmpty()) line(sb, "MMU", "1 ms " + mmuAt(r, 1) + ", 10 ms " + mmuAt(r, 10) + ", 100 ms " + mmuAt(r, 100)
            + ", 1 s " + mmuAt(r, 1000));
        line(sb, "time", "wall " + Units.nanos(r.wallNs()) + " = mutator " + Units.nanos(r.mutatorNs())
            + " + GC " + Units.nanos(r.gcNs()) + percent(r.gcNs(), r.wallNs(), "")
            + (r.verify() ? " + verification " + Units.nanos(r.verifyNs()) : ""));
        line(sb, "peak heap", Units.bytes(r.peakInUseBytes()) + " in use" + percent(r.peakInUseBytes(), r.heapBytes(), " of heap"));
        if (!r.spaces().isEmpty()) {
            sb.append("spaces\n");
            int w = r.spaces().keySet().stream().mapToInt(String::length).max().orElse(0);
            r.spaces().forEach((name, sp) -> sb.append(String.format(Locale.ROOT, "  %-" + w + "s  live %s, peak %s, committed %s%s%s%n", name,
                Units.bytes(sp.liveBytes()), Units.bytes(sp.peakBytes()), Units.bytes(sp.committedBytes()),
                sp.reservedBytes() > 0 ? " (reserved)" : "", sp.copiedBytes() > 0 ? ", copied in " + Units.bytes(sp.copiedBytes()) : "")));
        }
        sb.append("work counters\n").append(table(r.work()));
        if (!r.collectorCounters().isEmpty()) sb.append(r.collector()).append(" counters\n").append(table(r.collectorCounters()));
        return sb.toString();
    }

    private static String pauseText(RunResult.Pauses p) {
        return p.count() + ", total " + Units.nanos(p.totalNs()) + "; p50 " + Units.nanos(p.p50Ns()) + ", p99 " + Units.nanos(p.p99Ns())
            + ", max " + Units.nanos(p.maxNs());
    }

    /** The MMU of {@code r} at a window of {@code ms} milliseconds as a percentage, or "-". */
    public static String mmuAt(RunResult r, double ms) {
        for (RunResult.MmuPoint p : r.mmu()) if (p.windowMs() == ms) return String.format(Locale.ROOT, "%.0f%%", 100 * p.utilisation());
        return "-";
    }

    /** {@code name  value} rows, names left-aligned, values right-aligned with thousands separators. */
    public static String table(Map<String, Long> rows) {
        int nameWidth = rows.keySet().stream().mapToInt(String::length).max().orElse(0);
        int valueWidth = rows.values().stream().mapToInt(v -> Units.count(v).length()).max().orElse(0);
        StringBuilder sb = new StringBuilder();
        rows.forEach((k, v) -> sb.append(String.format(Locale.ROOT, "  %-" + nameWidth + "s  %" + valueWidth + "s%n", k, Units.count(v))));
        return sb.toString();
    }

    private static void line(StringBuilder sb, String label, String text) {
        sb.append(String.format(Locale.ROOT, "%-10s %s%n", label, text));
    }

    private static String params(Map<String, String> params) {
        if (params.isEmpty()) return "";
        return params.entrySet().stream().map(e -> e.getKey() + "=" + e.getValue()).collect(Collectors.joining(" ", ", params ", ""));
    }

    private static String percent(long part, long whole, String of) {
        return whole <= 0 ? "" : String.format(Locale.ROOT, " (%.1f%%%s)", 100.0 * part / whole, of);
    }
}
