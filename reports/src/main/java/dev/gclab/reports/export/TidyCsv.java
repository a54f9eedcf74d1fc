package dev.gclab.reports.export;

import dev.gclab.reports.runner.RunResult;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Results as tidy CSV, one row per (run, metric), for pandas ({@code pd.read_csv}) and R
 * ({@code read.csv}): columns {@value #HEADER}. {@code run} numbers the runs of the file from 1;
 * {@code label} is the collector with its options ({@code name:key=value}); {@code heap_factor} and
 * {@code invocation} are empty outside a sweep. Metrics are the result's numbers under their JSON key
 * paths ({@code gc_cycles}, {@code pauses.p99_ns}, {@code work.allocations}, {@code spaces.main.peak_bytes},
 * {@code mmu.10ms}, ...), plus {@code completed} (1, or 0 for a sweep's run that could not complete: then
 * it is the run's only row). RFC 4180 quoting.
 */
public final class TidyCsv {
    public static final String HEADER = "run,label,collector,workload,size,seed,heap_bytes,heap_factor,invocation,metric,value";

    private TidyCsv() {}

    /** One run of the file: its result (null when it did not complete) and where it stands in a sweep. */
    public record Row(String label, String collector, String workload, double size, long seed, long heapBytes,
                      Double heapFactor, Integer invocation, RunResult result) {
        public static Row of(RunResult r) {
            return new Row(r.label(), r.collector(), r.workload(), r.size(), r.seed(), r.heapBytes(), null, null, r);
        }
    }

    public static void write(List<Row> runs, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, toCsv(runs), StandardCharsets.UTF_8);
    }

    public static String toCsv(List<Row> runs) {
        StringBuilder sb = new StringBuilder(HEADER).append('\n');
        for (int i = 0; i < runs.size(); i++) {
            Row run = runs.get(i);
            String prefix = String.join(",", Integer.toString(i + 1), quote(run.label()), quote(run.collector()), quote(run.workload()),
                number(run.size()), Long.toString(run.seed()), Long.toString(run.heapBytes()),
                run.heapFactor() == null ? "" : number(run.heapFactor()), run.invocation() == null ? "" : run.invocation().toString());
            for (String[] m : metrics(run.result())) sb.append(prefix).append(',').append(quote(m[0])).append(',').append(m[1]).append('\n');
        }
        return sb.toString();
    }

    /** The metrics of a result as (key path, value); a missing result is {@code completed,0}. */
    static List<String[]> metrics(RunResult r) {
        List<String[]> m = new ArrayList<>();
        if (r == null) {
            m.add(new String[] {"completed", "0"});
            return m;
        }
        m.add(new String[] {"completed", "1"});
        add(m, "gc_cycles", r.gcCycles());
        add(m, "young_cycles", r.youngCycles());
        pauses(m, "pauses", r.pauses());
        pauses(m, "pauses_minor", r.pausesMinor());
        pauses(m, "pauses_major", r.pausesMajor());
        add(m, "wall_ns", r.wallNs());
        add(m, "gc_ns", r.gcNs());
        add(m, "mutator_ns", r.mutatorNs());
        add(m, "verify_ns", r.verifyNs());
        add(m, "peak_in_use_bytes", r.peakInUseBytes());
        add(m, "heap_bytes", r.heapBytes());
        for (Map.Entry<String, Long> e : r.work().entrySet()) add(m, "work." + e.getKey(), e.getValue());
        for (Map.Entry<String, Long> e : r.collectorCounters().entrySet()) add(m, "collector_counters." + e.getKey(), e.getValue());
        for (Map.Entry<String, RunResult.SpaceStats> e : r.spaces().entrySet()) {
            String p = "spaces." + e.getKey() + ".";
            RunResult.SpaceStats s = e.getValue();
            add(m, p + "live_bytes", s.liveBytes());
            add(m, p + "committed_bytes", s.committedBytes());
            add(m, p + "peak_bytes", s.peakBytes());
            add(m, p + "copied_bytes", s.copiedBytes());
            add(m, p + "reserved_bytes", s.reservedBytes());
        }
        for (RunResult.MmuPoint p : r.mmu()) m.add(new String[] {"mmu." + number(p.windowMs()) + "ms", number(p.utilisation())});
        return m;
    }

    private static void pauses(List<String[]> m, String key, RunResult.Pauses p) {
        add(m, key + ".count", p.count());
        add(m, key + ".total_ns", p.totalNs());
        add(m, key + ".p50_ns", p.p50Ns());
        add(m, key + ".p90_ns", p.p90Ns());
        add(m, key + ".p99_ns", p.p99Ns());
        add(m, key + ".max_ns", p.maxNs());
    }

    private static void add(List<String[]> m, String key, long v) { m.add(new String[] {key, Long.toString(v)}); }

    /** Shortest form: {@code 2}, {@code 1.25}, {@code 0.9731}. */
    static String number(double d) {
        if (d == Math.rint(d) && Math.abs(d) < 1e15) return Long.toString((long) d);
        return Double.toString(d).toLowerCase(Locale.ROOT);
    }

    /** RFC 4180: a field with a comma, quote or line break is quoted, quotes doubled. */
    static String quote(String s) {
        if (s == null) return "";
        if (s.indexOf(',') < 0 && s.indexOf('"') < 0 && s.indexOf('\n') < 0 && s.indexOf('\r') < 0) return s;
        return '"' + s.replace("\"", "\"\"") + '"';
    }
}
