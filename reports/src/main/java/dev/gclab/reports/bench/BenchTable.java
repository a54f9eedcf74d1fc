package dev.gclab.reports.bench;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;

/**
 * The bench table: a row per benchmark and parameter set (feature, score ± error, unit, ns per
 * object for per-graph benchmarks), instructions per operation when perf counted them, and with a
 * baseline a Δ column per figure ({@link #delta}).
 */
public final class BenchTable {
    private BenchTable() {}

    /**
     * The change from {@code base} to {@code now} in percent of {@code base}, as {@code +12.3%}; {@code ~}
     * when the difference is within the combined error ({@code |now - base| < errNow + errBase}: no
     * significant change); {@code -} when either figure is missing. An error JMH could not compute
     * (one iteration: NaN) counts as 0.
     */
    public static String delta(double now, double errNow, double base, double errBase) {
        if (!Double.isFinite(now) || !Double.isFinite(base) || base == 0) return "-";
        double e = (Double.isFinite(errNow) ? errNow : 0) + (Double.isFinite(errBase) ? errBase : 0);
        if (Math.abs(now - base) < e) return "~";
        return String.format(Locale.ROOT, "%+.1f%%", (now - base) / base * 100);
    }

    /**
     * @param rows         this run's rows, in JMH's order
     * @param baseline     the baseline's rows, or null for no Δ columns
     * @param inFilter     which baseline rows this run was meant to cover (those missing from it are shown with "-")
     * @param instructions whether to show instructions per operation
     */
    public static String format(List<BenchRow> rows, List<BenchRow> baseline, Predicate<String> inFilter, boolean instructions) {
        List<String> header = new ArrayList<>(List.of("feature", "score", "error", "unit", "ns/object"));
        if (instructions) header.add("instr/op");
        if (baseline != null) {
            header.add("Δ score");
            if (instructions) header.add("Δ instr");
        }
        Map<String, BenchRow> base = new HashMap<>();
        if (baseline != null) for (BenchRow b : baseline) base.put(b.key(), b);
        List<List<String>> cells = new ArrayList<>();
        Set<String> seen = new HashSet<>();
        for (BenchRow r : rows) {
            seen.add(r.key());
            List<String> c = new ArrayList<>(List.of(r.feature(), num(r.score()), err(r.error()), r.unit(),
                Double.isFinite(r.nsPerObject()) ? String.format(Locale.ROOT, "%.2f", r.nsPerObject()) : ""));
            if (instructions) c.add(Double.isFinite(r.instructions()) ? String.format(Locale.ROOT, "%.1f", r.instructions()) : "-");
            if (baseline != null) {
                BenchRow b = base.get(r.key());
                double scale = b == null ? Double.NaN : unitScale(b.unit(), r.unit());
                c.add(b == null ? "-" : delta(r.score(), r.error(), b.score() * scale, b.error() * scale));
                if (instructions) c.add(b == null ? "-" : delta(r.instructions(), r.instructionsError(), b.instructions(), b.instructionsError()));
            }
            cells.add(c);
        }
        if (baseline != null) {
            for (BenchRow b : baseline) {
                if (seen.contains(b.key()) || !inFilter.test(b.benchmark())) continue;
                List<String> c = new ArrayList<>(List.of(b.feature().isEmpty() ? Features.name(shortName(b.benchmark()), b.params()) : b.feature(),
                    "-", "", b.unit(), ""));
                if (instructions) c.add("-");
                c.add("-");
                if (instructions) c.add("-");
                cells.add(c);
            }
        }
        int[] width = new int[header.size()];
        for (int i = 0; i < width.length; i++) width[i] = header.get(i).length();
        for (List<String> c : cells) for (int i = 0; i < width.length; i++) width[i] = Math.max(width[i], c.get(i).length());
        StringBuilder sb = new StringBuilder();
        line(sb, header, width);
        for (List<String> c : cells) line(sb, c, width);
        if (baseline != null) {
            sb.append("Δ: this run against the baseline; ~ = within the combined error (no significant change); - = missing on one side\n");
        }
        return sb.toString();
    }

    private static void line(StringBuilder sb, List<String> c, int[] width) {
        StringBuilder l = new StringBuilder();
        for (int i = 0; i < c.size(); i++) {
            String s = c.get(i);
            if (i == 0) l.append(s).append(" ".repeat(width[0] - s.length()));
            else if (i == 2) l.append(s.isEmpty() ? "   " : " ± ").append(" ".repeat(width[i] - s.length())).append(s); // the error
            else if (i == 3) l.append(' ').append(s).append(" ".repeat(width[i] - s.length())); // the unit, left-aligned
            else l.append("  ").append(" ".repeat(width[i] - s.length())).append(s);
        }
        sb.append(l.toString().stripTrailing()).append('\n');
    }

    /** Factor to bring a score in unit {@code from} into unit {@code to}: 1 when equal, NaN when not both time per op. */
    static double unitScale(String from, String to) {
        if (from.equals(to)) return 1;
        return Features.nanosPer(from) / Features.nanosPer(to);
    }

    static String num(double v) {
        if (!Double.isFinite(v)) return "-";
        double a = Math.abs(v);
        return String.format(Locale.ROOT, a >= 1000 ? "%,.0f" : a >= 100 ? "%.1f" : a >= 10 ? "%.2f" : "%.3f", v);
    }

    private static String err(double e) { return Double.isFinite(e) ? num(e) : "n/a"; }

    private static String shortName(String benchmark) {
        int method = benchmark.lastIndexOf('.');
        int cls = method > 0 ? benchmark.lastIndexOf('.', method - 1) : -1;
        return benchmark.substring(cls + 1);
    }
}
