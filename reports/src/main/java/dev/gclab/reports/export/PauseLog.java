package dev.gclab.reports.export;

import dev.gclab.reports.runner.RunResult;
import org.HdrHistogram.Histogram;
import org.HdrHistogram.HistogramLogWriter;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Instant;
import java.time.format.DateTimeParseException;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/**
 * The pauses of one or more runs as an HdrHistogram interval log ({@link HistogramLogWriter}: version 1.3,
 * compressed histograms of nanoseconds, the max column in milliseconds), which HistogramLogAnalyzer and
 * HdrHistogram's {@code HistogramLogProcessor} read. Built from each result's {@code timeline}.
 *
 * <p>Each run is cut into intervals of {@link #INTERVAL_NS} (1 s) from the workload's start to its end;
 * a pause counts in the interval in which it began, and an interval without pauses is written empty, so the
 * log is also a timeline. Interval times are seconds since the start of each run (so the runs of a
 * comparison overlay); {@code StartTime} is the first run's start. Tags: {@code run} writes its pauses
 * untagged (every tool reads them) plus, for a collector with both kinds, tags {@code minor} and
 * {@code major}; {@code compare} tags each run's histograms with its label (characters HdrHistogram does
 * not allow in a tag, commas and white space, become {@code _}), and {@code LABEL/minor}, {@code LABEL/major}.
 */
public final class PauseLog {
    /** Interval length. */
    public static final long INTERVAL_NS = 1_000_000_000L;

    private PauseLog() {}

    /**
     * Writes the log; {@code tagged}: every histogram tagged with its run's label (compare) or the whole
     * run untagged (run).
     */
    public static void write(List<TraceEvents.Labeled> runs, boolean tagged, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, toText(runs, tagged), StandardCharsets.UTF_8);
    }

    public static String toText(List<TraceEvents.Labeled> runs, boolean tagged) {
        ByteArrayOutputStream bytes = new ByteArrayOutputStream();
        PrintStream ps = new PrintStream(bytes, true, StandardCharsets.UTF_8);
        HistogramLogWriter w = new HistogramLogWriter(ps);
        w.outputLogFormatVersion();
        w.outputComment("gclab pauses in nanoseconds, " + INTERVAL_NS / 1_000_000 + " ms intervals from each run's start; max column in ms");
        long startMs = runs.isEmpty() ? 0 : epochMillis(runs.getFirst().result().timestamp());
        w.outputStartTime(startMs);
        w.outputLegend();
        for (TraceEvents.Labeled run : runs) {
            RunResult r = run.result();
            String tag = tagged ? tag(run.label()) : null;
            w.outputComment(run.label() + ": " + r.workload() + ", seed " + r.seed() + ", started " + r.timestamp());
            Set<String> kinds = new LinkedHashSet<>(r.timeline().kind());
            boolean split = kinds.contains("minor") && kinds.contains("major");
            intervals(w, r, tag, null);
            if (split) {
                intervals(w, r, tagged ? tag + "/minor" : "minor", "minor");
                intervals(w, r, tagged ? tag + "/major" : "major", "major");
            }
        }
        ps.flush();
        return bytes.toString(StandardCharsets.UTF_8);
    }

    /** A label as a tag: no commas, no white space. */
    static String tag(String label) { return label.replaceAll("[,\\s]", "_"); }

    private static void intervals(HistogramLogWriter w, RunResult r, String tag, String kind) {
        RunResult.PauseTimeline t = r.timeline();
        long runStart = t.runStartNs(), runEnd = Math.max(t.runEndNs(), runStart + 1);
        int n = t.startNs().size();
        int i = 0;
        for (long from = runStart; from < runEnd; from += INTERVAL_NS) {
            long to = Math.min(from + INTERVAL_NS, runEnd);
            Histogram h = new Histogram(3);
            h.setAutoResize(true);
            for (; i < n && t.startNs().get(i) < to; i++) {
                if (kind == null || kind.equals(t.kind().get(i))) h.recordValue(Math.max(1, t.durationNs().get(i)));
            }
            if (tag != null) h.setTag(tag);
            w.outputIntervalHistogram((from - runStart) / 1e9, (to - runStart) / 1e9, h, 1e6);
        }
    }

    private static long epochMillis(String timestamp) {
        try {
            return Instant.parse(timestamp).toEpochMilli();
        } catch (DateTimeParseException e) {
            return 0;
        }
    }
}
