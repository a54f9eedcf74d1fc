package dev.gclab.reports.text;

import dev.gclab.reports.runner.RunResult;
import dev.gclab.reports.sweep.Sweep;
import dev.gclab.workloads.Numbers;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * What {@code gclab sweep} prints: each collector's minimum heap, then one row per factor and collector
 * with the runs that completed and the medians of GC time and wall time over them.
 */
public final class SweepTable {
    private SweepTable() {}

    public static String format(Sweep s) {
        StringBuilder sb = new StringBuilder();
        sb.append(String.format(Locale.ROOT, "%-10s %s, size %s, seed %d, %d invocation%s per point (%s JVM)%n", "sweep", s.workload(),
            Numbers.format(s.size()), s.seed(), s.invocations(), s.invocations() == 1 ? "" : "s", s.jvm().equals("child") ? "a fresh" : "one"));
        sb.append(String.format(Locale.ROOT, "minimum heap (bisection between 1 MiB and %s, exact to %s%%):%n", Units.bytes(s.searchMaxBytes()),
            Numbers.format(100 * s.minHeapPrecision())));
        int w = Math.max(9, s.collectors().stream().mapToInt(c -> c.label().length()).max().orElse(0));
        for (Sweep.Collector c : s.collectors()) {
            String min = c.minHeapBytes() == null ? "none: fails at " + Units.bytes(s.searchMaxBytes()) + " ("
                + c.probes().getFirst().failure().message() + ")" : Units.bytes(c.minHeapBytes());
            sb.append(String.format(Locale.ROOT, "  %-" + w + "s  %s (%d runs)%n", c.label(), min, c.probes().size()));
        }
        sb.append(String.format(Locale.ROOT, "base heap  %s (the largest minimum)%n%n", Units.bytes(s.baseHeapBytes())));
        List<String[]> rows = new ArrayList<>();
        rows.add(new String[] {"factor", "heap", "collector", "completed", "GC time", "wall time", "GC share"});
        for (double f : s.heapFactors()) {
            for (Sweep.Collector c : s.collectors()) {
                List<Sweep.Point> at = s.points().stream().filter(p -> p.heapFactor() == f && p.label().equals(c.label())).toList();
                if (at.isEmpty()) continue;
                List<RunResult> done = at.stream().filter(Sweep.Point::completed).map(Sweep.Point::result).toList();
                String gc = done.isEmpty() ? "-" : Units.nanos(median(done.stream().mapToLong(RunResult::gcNs).toArray()));
                String wall = done.isEmpty() ? "-" : Units.nanos(median(done.stream().mapToLong(RunResult::wallNs).toArray()));
                String share = done.isEmpty() ? "-" : String.format(Locale.ROOT, "%.1f%%",
                    100.0 * median(done.stream().mapToLong(RunResult::gcNs).toArray()) / Math.max(1, median(done.stream().mapToLong(RunResult::wallNs).toArray())));
                String completed = done.size() + "/" + at.size() + (done.size() < at.size() ? " (" + at.stream().filter(p -> !p.completed())
                    .map(p -> p.failure().kind()).distinct().reduce((a, b) -> a + ", " + b).orElse("") + ")" : "");
                rows.add(new String[] {Numbers.format(f), Units.bytes(at.getFirst().heapBytes()), c.label(), completed, gc, wall, share});
            }
        }
        int[] width = new int[rows.getFirst().length];
        for (String[] r : rows) for (int i = 0; i < r.length; i++) width[i] = Math.max(width[i], r[i].length());
        for (String[] r : rows) {
            StringBuilder line = new StringBuilder();
            for (int i = 0; i < r.length; i++) {
                boolean left = i == 2 || i == 3;
                line.append(i == 0 ? "" : "  ").append(String.format(Locale.ROOT, "%" + (left ? "-" : "") + width[i] + "s", r[i]));
            }
            sb.append(line.toString().stripTrailing()).append('\n');
        }
        return sb.toString();
    }

    /** The median (the mean of the two middle values for an even count, rounded down). */
    public static long median(long[] values) {
        long[] v = values.clone();
        java.util.Arrays.sort(v);
        return v.length == 0 ? 0 : (v[(v.length - 1) / 2] + v[v.length / 2]) / 2;
    }
}
