package dev.gclab.reports.report;

import dev.gclab.gc.stats.Mmu;
import dev.gclab.gc.stats.Timeline;
import dev.gclab.reports.runner.RunResult;
import dev.gclab.reports.sweep.Sweep;
import dev.gclab.reports.text.Units;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramIterationValue;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;

/**
 * The report's charts, each an SVG ({@link Svg}) with the table of the data it plots:
 * <ul>
 * <li>pause-time distribution: a percentile plot as HdrHistogram's plotter draws it (x: percentile on a
 *     log scale of 1 / (1 - p), so 90 %, 99 %, 99.9 % are equally spaced; y: pause time, log scale), from
 *     an HdrHistogram of the timeline's pause durations (3 significant digits; invocations merged), minor
 *     and major pauses as series of their own where a collector has both;</li>
 * <li>MMU: minimum mutator utilisation against window width (log axis, 0–100 %), computed from the
 *     timeline at 12 widths per decade from a tenth of the shortest longest pause to the longest run
 *     ({@link Mmu}); with several invocations the lowest (MMU is a worst case);</li>
 * <li>heap occupancy over time per space (after each pause), with every collection marked by a tick on
 *     the time axis, one row of ticks per pause kind; the first invocation of each collector;</li>
 * <li>a sweep's time against heap factor: the median over invocations with min–max bars, a cross on the
 *     axis where no invocation completed.</li>
 * </ul>
 * Results written before the timeline was recorded fall back to their summaries (pause percentiles, the
 * ten MMU widths) and have no occupancy chart.
 */
final class Charts {
    private Charts() {}

    /** A chart: its SVG and the HTML table of its data. */
    record Figure(String id, String caption, String svg, String table) {}

    /** Runs under one label, in order; {@code colour} is the label's colour throughout the report. */
    record LabelRuns(String label, String colour, List<RunResult> runs) {}

    static final int TABLE_ROWS = 500;

    // ---------------------------------------------------------------- pause distribution

    static Figure pauseDistribution(String id, List<LabelRuns> labels) {
        record S(String name, String colour, Svg.Line line, List<double[]> points) {}
        List<S> series = new ArrayList<>();
        long maxCount = 1;
        for (LabelRuns lr : labels) {
            Set<String> kinds = new LinkedHashSet<>();
            boolean timelines = true;
            for (RunResult r : lr.runs()) {
                kinds.addAll(r.timeline().kind());
                if (r.timeline().durationNs().isEmpty() && r.pauses().count() > 0) timelines = false;
            }
            if (!timelines) {
                series.add(new S(lr.label() + " (summary)", lr.colour(), Svg.Line.DOTTED, summaryPoints(lr.runs().getFirst().pauses())));
                continue;
            }
            boolean split = kinds.size() > 1;
            List<String> groups = split ? new ArrayList<>(kinds) : List.of("");
            for (String kind : groups) {
                Histogram h = new Histogram(3);
                h.setAutoResize(true);
                for (RunResult r : lr.runs()) {
                    RunResult.PauseTimeline t = r.timeline();
                    for (int i = 0; i < t.durationNs().size(); i++) {
                        if (kind.isEmpty() || kind.equals(t.kind().get(i))) h.recordValue(Math.max(1, t.durationNs().get(i)));
                    }
                }
                if (h.getTotalCount() == 0) continue;
                maxCount = Math.max(maxCount, h.getTotalCount());
                List<double[]> pts = new ArrayList<>();
                for (HistogramIterationValue v : h.percentiles(5)) {
                    pts.add(new double[] {v.getPercentileLevelIteratedTo() / 100.0, v.getValueIteratedTo()});
                }
                Svg.Line line = kind.equals("minor") ? Svg.Line.DASHED : kind.equals("step") ? Svg.Line.DOTTED : Svg.Line.SOLID;
                series.add(new S(lr.label() + (kind.isEmpty() ? "" : " (" + kind + ")"), lr.colour(), line, pts));
            }
        }
        int decades = Math.max(2, (int) Math.ceil(Math.log10(maxCount)) + 1);
        double xMax = Math.pow(10, decades);
        double yMin = Double.MAX_VALUE, yMax = 0;
        for (S s : series) for (double[] p : s.points()) { yMin = Math.min(yMin, p[1]); yMax = Math.max(yMax, p[1]); }
        if (series.isEmpty()) { yMin = 1_000; yMax = 1_000_000; }
        double lo = Math.pow(10, Math.floor(Math.log10(Math.max(1, yMin)))), hi = Math.pow(10, Math.ceil(Math.log10(Math.max(yMax, lo * 10))));
        if (hi <= lo) hi = lo * 10;
        double[] xt = Svg.decades(1, xMax);
        Svg svg = new Svg("Pause-time distribution", new Svg.Axis(1, xMax, true, "percentile", Charts::percentileLabel, xt),
            new Svg.Axis(lo, hi, true, "pause time (log scale)", Charts::timeTick, Svg.decades(lo, hi)));
        StringBuilder table = new StringBuilder("<table class=\"data\"><thead><tr><th>series</th><th>percentile</th><th>pause time</th><th>ns</th></tr></thead><tbody>\n");
        int rows = 0;
        for (S s : series) {
            List<Svg.Point> pts = new ArrayList<>();
            for (double[] p : s.points()) pts.add(new Svg.Point(p[0] >= 1 ? xMax : Math.min(xMax, 1 / (1 - p[0])), p[1]));
            svg.series(new Svg.Series(s.name(), s.colour(), s.line(), pts, false));
            for (double[] p : s.points()) {
                if (rows++ >= TABLE_ROWS) continue;
                table.append("<tr><td>").append(Html.esc(s.name())).append("</td><td class=\"num\">").append(percent(p[0])).append("</td><td class=\"num\">")
                    .append(Units.nanos((long) p[1])).append("</td><td class=\"num\">").append((long) p[1]).append("</td></tr>\n");
            }
        }
        table.append("</tbody></table>").append(rows > TABLE_ROWS ? note(rows) : "");
        return new Figure(id, "Pause-time distribution: each collector's pauses by percentile (HdrHistogram, 3 significant digits; "
            + "both axes logarithmic; invocations merged; minor and major pauses apart where a collector has both)", svg.render(id), table.toString());
    }

    private static List<double[]> summaryPoints(RunResult.Pauses p) {
        List<double[]> pts = new ArrayList<>();
        if (p.count() == 0) return pts;
        pts.add(new double[] {0.5, p.p50Ns()});
        pts.add(new double[] {0.9, p.p90Ns()});
        pts.add(new double[] {0.99, p.p99Ns()});
        pts.add(new double[] {1.0, p.maxNs()});
        return pts;
    }

    static String percentileLabel(double u) {
        if (u <= 1) return "0%";
        double p = 100 * (1 - 1 / u);
        int digits = Math.max(0, (int) Math.round(Math.log10(u)) - 2);
        return String.format(Locale.ROOT, "%." + digits + "f%%", p);
    }

    private static String percent(double p) { return p >= 1 ? "100%" : String.format(Locale.ROOT, "%.4f%%", 100 * p); }

    private static String note(int rows) {
        return "<p class=\"note\">The first " + TABLE_ROWS + " of " + rows + " rows; the input files hold every value.</p>";
    }

    // ---------------------------------------------------------------- MMU

    static Figure mmu(String id, List<LabelRuns> labels) {
        long minMax = Long.MAX_VALUE, longest = 0;
        for (LabelRuns lr : labels) {
            for (RunResult r : lr.runs()) {
                RunResult.PauseTimeline t = r.timeline();
                if (!t.durationNs().isEmpty()) minMax = Math.min(minMax, t.durationNs().stream().mapToLong(Long::longValue).max().orElse(1));
                longest = Math.max(longest, t.runEndNs() - t.runStartNs());
            }
        }
        if (minMax == Long.MAX_VALUE) minMax = 1_000_000;
        if (longest <= 0) longest = 1_000_000_000L;
        double wLo = Math.pow(10, Math.floor(Math.log10(Math.max(1_000, minMax / 10.0))));
        double wHi = Math.max(wLo * 10, longest);
        List<Double> windows = new ArrayList<>();
        for (double w = wLo; w <= wHi * (1 + 1e-9); w *= Math.pow(10, 1 / 12.0)) windows.add(w);
        if (windows.getLast() < wHi) windows.add(wHi);
        Map<String, double[]> curves = new LinkedHashMap<>();
        Svg svg = new Svg("Minimum mutator utilisation", new Svg.Axis(wLo / 1e6, wHi / 1e6, true, "window (ms, log scale)", Charts::msLabel,
            Svg.decades(wLo / 1e6, wHi / 1e6)), new Svg.Axis(0, 1, false, "MMU", v -> Math.round(v * 100) + "%", new double[] {0, .2, .4, .6, .8, 1}));
        List<String> fallback = new ArrayList<>();
        for (LabelRuns lr : labels) {
            boolean timelines = lr.runs().stream().allMatch(r -> !r.timeline().durationNs().isEmpty() || r.pauses().count() == 0)
                && lr.runs().stream().anyMatch(r -> r.timeline().runEndNs() > r.timeline().runStartNs());
            List<Svg.Point> pts = new ArrayList<>();
            if (timelines) {
                double[] u = new double[windows.size()];
                java.util.Arrays.fill(u, 1);
                for (RunResult r : lr.runs()) {
                    RunResult.PauseTimeline t = r.timeline();
                    Timeline tl = Timeline.ofPauses(t.startNs().stream().mapToLong(Long::longValue).toArray(),
                        t.durationNs().stream().mapToLong(Long::longValue).toArray());
                    for (int k = 0; k < windows.size(); k++) u[k] = Math.min(u[k], Mmu.of(tl, t.runStartNs(), t.runEndNs(), Math.round(windows.get(k))));
                }
                for (int k = 0; k < windows.size(); k++) pts.add(new Svg.Point(windows.get(k) / 1e6, u[k]));
                curves.put(lr.label(), u);
            } else {
                for (RunResult.MmuPoint p : lr.runs().getFirst().mmu()) pts.add(new Svg.Point(p.windowMs(), p.utilisation()));
                fallback.add(lr.label());
            }
            svg.series(new Svg.Series(lr.label(), lr.colour(), Svg.Line.SOLID, pts, !timelines));
        }
        StringBuilder table = new StringBuilder("<table class=\"data\"><thead><tr><th>window</th>");
        for (String l : curves.keySet()) table.append("<th>").append(Html.esc(l)).append("</th>");
        table.append("</tr></thead><tbody>\n");
        for (int k = 0; k < windows.size() && !curves.isEmpty(); k++) {
            table.append("<tr><td class=\"num\">").append(msText(windows.get(k) / 1e6)).append("</td>");
            for (double[] u : curves.values()) table.append("<td class=\"num\">").append(String.format(Locale.ROOT, "%.1f%%", 100 * u[k])).append("</td>");
            table.append("</tr>\n");
        }
        table.append("</tbody></table>");
        for (LabelRuns lr : labels) {
            if (!fallback.contains(lr.label())) continue;
            table.append("<p class=\"note\">").append(Html.esc(lr.label())).append(": no timeline in its file; the ten widths it recorded:</p><table class=\"data\"><tbody>");
            for (RunResult.MmuPoint p : lr.runs().getFirst().mmu()) {
                table.append("<tr><td class=\"num\">").append(msText(p.windowMs())).append("</td><td class=\"num\">")
                    .append(String.format(Locale.ROOT, "%.1f%%", 100 * p.utilisation())).append("</td></tr>");
            }
            table.append("</tbody></table>");
        }
        return new Figure(id, "Minimum mutator utilisation (Cheng and Blelloch): the smallest share of any window of that width in which "
            + "the mutator ran; a curve leaves 0 at the collector's longest pause (the lowest over invocations)", svg.render(id), table.toString());
    }

    static String msLabel(double ms) {
        if (ms >= 1000) return Units.nanos((long) (ms * 1e6)).replace(".000 s", " s");
        return msText(ms);
    }

    static String msText(double ms) {
        if (ms >= 1) return trim(String.format(Locale.ROOT, "%.3g", ms)) + " ms";
        return trim(String.format(Locale.ROOT, "%.3g", ms * 1000)) + " µs";
    }

    private static String trim(String s) {
        return s.contains(".") && !s.contains("e") ? s.replaceAll("0+$", "").replaceAll("\\.$", "") : s;
    }

    // ---------------------------------------------------------------- heap occupancy

    /** Occupancy of {@code r} (one run) over time; null when its file has no timeline. */
    static Figure occupancy(String id, String label, String colour, RunResult r) {
        RunResult.PauseTimeline t = r.timeline();
        if (t.runEndNs() <= t.runStartNs()) return null;
        double span = (t.runEndNs() - t.runStartNs()) / 1e6;
        int n = t.startNs().size();
        List<String> spaces = t.spaces().isEmpty() ? List.of("heap") : t.spaces();
        boolean perSpace = !t.spaces().isEmpty();
        long max = 1;
        for (int i = 0; i < n; i++) max = Math.max(max, t.heapBytes().get(i));
        double yMax = Svg.niceBytes(max * 1.05);
        Svg svg = new Svg("Heap occupancy of " + label, new Svg.Axis(0, span, false, "time since the run's start (ms)", Charts::number,
            Svg.linear(0, span, 8)), new Svg.Axis(0, yMax, false, "bytes in use", Charts::bytesTick, Svg.byteTicks(yMax, 5)));
        String[] colours = {colour, "#888888", "#009E73", "#CC79A7", "#E69F00"};
        for (int k = 0; k < spaces.size(); k++) {
            List<Svg.Point> pts = new ArrayList<>();
            pts.add(new Svg.Point(0, 0));
            for (int i = 0; i < n; i++) {
                double x = (t.startNs().get(i) + t.durationNs().get(i) - t.runStartNs()) / 1e6;
                long v = perSpace ? (i < t.spaceBytes().size() && k < t.spaceBytes().get(i).size() ? t.spaceBytes().get(i).get(k) : 0) : t.heapBytes().get(i);
                pts.add(new Svg.Point(x, v));
            }
            svg.series(new Svg.Series("space " + spaces.get(k), colours[k % colours.length], Svg.Line.SOLID, thin(pts, span), false));
        }
        if (perSpace && spaces.size() > 1) {
            List<Svg.Point> pts = new ArrayList<>();
            pts.add(new Svg.Point(0, 0));
            for (int i = 0; i < n; i++) pts.add(new Svg.Point((t.startNs().get(i) + t.durationNs().get(i) - t.runStartNs()) / 1e6, t.heapBytes().get(i)));
            svg.series(new Svg.Series("whole heap", "#444444", Svg.Line.DASHED, thin(pts, span), false));
        }
        Map<String, List<Double>> byKind = new LinkedHashMap<>();
        for (int i = 0; i < n; i++) byKind.computeIfAbsent(t.kind().get(i), k -> new ArrayList<>()).add((t.startNs().get(i) - t.runStartNs()) / 1e6);
        int row = 0;
        String[] kindColours = {"#333333", "#D55E00", "#56B4E9"};
        for (Map.Entry<String, List<Double>> e : byKind.entrySet()) {
            svg.rug(e.getValue().stream().mapToDouble(Double::doubleValue).toArray(), row, kindColours[row % kindColours.length],
                e.getKey() + " collections (" + e.getValue().size() + ")");
            row++;
        }
        StringBuilder table = new StringBuilder("<table class=\"data\"><thead><tr><th>pause</th><th>start (ms)</th><th>duration</th><th>kind</th><th>heap after</th>");
        if (perSpace) for (String s : spaces) table.append("<th>").append(Html.esc(s)).append("</th>");
        table.append("</tr></thead><tbody>\n");
        for (int i = 0; i < Math.min(n, TABLE_ROWS); i++) {
            table.append("<tr><td class=\"num\">").append(i + 1).append("</td><td class=\"num\">")
                .append(number((t.startNs().get(i) - t.runStartNs()) / 1e6)).append("</td><td class=\"num\">")
                .append(Units.nanos(t.durationNs().get(i))).append("</td><td>").append(Html.esc(t.kind().get(i))).append("</td><td class=\"num\">")
                .append(Units.bytes(t.heapBytes().get(i))).append("</td>");
            if (perSpace) {
                for (int k = 0; k < spaces.size(); k++) {
                    long v = i < t.spaceBytes().size() && k < t.spaceBytes().get(i).size() ? t.spaceBytes().get(i).get(k) : 0;
                    table.append("<td class=\"num\">").append(Units.bytes(v)).append("</td>");
                }
            }
            table.append("</tr>\n");
        }
        table.append("</tbody></table>").append(n > TABLE_ROWS ? note(n) : "");
        if (n == 0) table.append("<p class=\"note\">No collections: the heap only grew.</p>");
        return new Figure(id, "Heap occupancy of " + label + " after each pause, per space; ticks on the time axis mark the collections ("
            + n + " pauses)", svg.render(id), table.toString());
    }

    /** At most about four points per pixel column: the first, lowest, highest and last of each. */
    private static List<Svg.Point> thin(List<Svg.Point> pts, double span) {
        if (pts.size() <= 2000) return pts;
        int columns = 480;
        List<Svg.Point> out = new ArrayList<>();
        int i = 0;
        while (i < pts.size()) {
            int col = (int) Math.min(columns - 1, pts.get(i).x() / span * columns);
            Svg.Point first = pts.get(i), lo = first, hi = first, last = first;
            int j = i;
            while (j < pts.size() && (int) Math.min(columns - 1, pts.get(j).x() / span * columns) == col) {
                Svg.Point p = pts.get(j);
                if (p.y() < lo.y()) lo = p;
                if (p.y() > hi.y()) hi = p;
                last = p;
                j++;
            }
            out.add(first);
            if (lo.x() <= hi.x()) { out.add(lo); out.add(hi); } else { out.add(hi); out.add(lo); }
            out.add(last);
            i = j;
        }
        return out;
    }

    /** A time tick: gclab's units without trailing zeros ({@code 10 s}, {@code 2.5 ms}), 0 as {@code 0}. */
    static String timeTick(double ns) {
        if (ns == 0) return "0";
        return Units.nanos(Math.round(ns)).replaceAll("(\\.\\d*?)0+ ", "$1 ").replace(". ", " ");
    }

    /** A byte tick without trailing zeros, 0 as {@code 0}. */
    static String bytesTick(double b) {
        if (b == 0) return "0";
        return Units.bytes(Math.round(b)).replaceAll("(\\.\\d*?)0+ ", "$1 ").replace(". ", " ");
    }

    static String number(double v) {
        if (v == Math.rint(v) && Math.abs(v) < 1e12) return Long.toString((long) v);
        return trim(String.format(Locale.ROOT, "%.4g", v));
    }

    // ---------------------------------------------------------------- sweep

    /** Time ({@code gc_ns} or {@code wall_ns}) against heap factor, one line per collector. */
    static Figure sweepTime(String id, Sweep s, Map<String, String> colours, boolean gc) {
        String what = gc ? "GC time" : "Total time";
        double xMax = s.heapFactors().stream().mapToDouble(Double::doubleValue).max().orElse(1) * 1.05;
        long yMaxNs = 1;
        for (Sweep.Point p : s.points()) if (p.completed()) yMaxNs = Math.max(yMaxNs, gc ? p.result().gcNs() : p.result().wallNs());
        double yMax = Svg.niceCeil(yMaxNs * 1.05);
        Svg svg = new Svg(what + " against heap size", new Svg.Axis(0, xMax, false, "heap size (multiple of the largest minimum heap, "
            + Units.bytes(s.baseHeapBytes()) + ")", v -> number(v) + "×", Svg.linear(0, xMax, 6)),
            new Svg.Axis(0, yMax, false, what + (gc ? " (pauses)" : " (wall)"), Charts::timeTick, Svg.linear(0, yMax, 5)));
        StringBuilder table = new StringBuilder("<table class=\"data\"><thead><tr><th>factor</th><th>heap</th><th>collector</th><th>completed</th>"
            + "<th>median</th><th>min</th><th>max</th></tr></thead><tbody>\n");
        for (int ci = 0; ci < s.collectors().size(); ci++) {
            Sweep.Collector c = s.collectors().get(ci);
            String colour = colours.getOrDefault(c.label(), Svg.COLOURS[0]);
            List<Svg.Point> pts = new ArrayList<>();
            List<double[]> bars = new ArrayList<>();
            for (double f : s.heapFactors()) {
                List<Sweep.Point> at = s.points().stream().filter(p -> p.heapFactor() == f && p.label().equals(c.label())).toList();
                if (at.isEmpty()) continue;
                long[] v = at.stream().filter(Sweep.Point::completed).mapToLong(p -> gc ? p.result().gcNs() : p.result().wallNs()).sorted().toArray();
                table.append("<tr><td class=\"num\">").append(number(f)).append("×</td><td class=\"num\">").append(Units.bytes(at.getFirst().heapBytes()))
                    .append("</td><td>").append(Html.esc(c.label())).append("</td><td class=\"num\">").append(v.length).append('/').append(at.size());
                if (v.length == 0) {
                    String why = at.stream().map(p -> p.failure() == null ? "?" : p.failure().kind()).distinct().reduce((a, b) -> a + ", " + b).orElse("");
                    table.append(" (").append(Html.esc(why)).append(")</td><td>-</td><td>-</td><td>-</td></tr>\n");
                    svg.missing(f, ci, colour, c.label() + " at " + number(f) + "×: " + why);
                    continue;
                }
                double med = Stats.median(v);
                pts.add(new Svg.Point(f, med));
                if (v.length > 1) bars.add(new double[] {f, v[0], v[v.length - 1]});
                table.append("</td><td class=\"num\">").append(Units.nanos((long) med)).append("</td><td class=\"num\">").append(Units.nanos(v[0]))
                    .append("</td><td class=\"num\">").append(Units.nanos(v[v.length - 1])).append("</td></tr>\n");
            }
            svg.series(new Svg.Series(c.label(), colour, Svg.Line.SOLID, pts, true));
            for (double[] b : bars) svg.errorBar(b[0], b[1], b[2], colour);
        }
        table.append("</tbody></table>");
        return new Figure(id, what + " against heap size at multiples of the largest minimum heap: the median of " + s.invocations()
            + " invocation" + (s.invocations() == 1 ? "" : "s") + " per point, bars from the fastest to the slowest; a cross on the axis: no invocation completed",
            svg.render(id), table.toString());
    }
}
