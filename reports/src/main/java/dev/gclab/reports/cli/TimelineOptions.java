package dev.gclab.reports.cli;

import dev.gclab.reports.export.PauseLog;
import dev.gclab.reports.export.TraceEvents;
import picocli.CommandLine;
import picocli.CommandLine.Option;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Timelines for other tools, on {@code run} and {@code compare}: a Chrome/Perfetto trace-event file, a
 * JFR recording, an HdrHistogram interval log of pauses. Each file's place is checked before the first run.
 * The trace and the log are written from the results (one file for all the runs of a comparison); JFR
 * records inside the JVM that runs the workload, so {@code compare} writes one recording per collector
 * ({@link dev.gclab.reports.export.PerRunFiles}).
 */
public final class TimelineOptions {
    @Option(names = "--trace-events", paramLabel = "FILE", converter = Converters.OutputFile.class,
        description = "write the pauses, their phases and heap occupancy as Chrome/Perfetto trace-event JSON (opens in ui.perfetto.dev)")
    Path traceEvents;

    @Option(names = "--jfr", paramLabel = "FILE", converter = Converters.OutputFile.class,
        description = "record the run with JFR (the JVM's default events plus gclab's GcPause and GcPhase) into FILE; "
            + "compare writes FILE-<collector>.jfr per collector")
    Path jfr;

    @Option(names = "--hlog", paramLabel = "FILE", converter = Converters.OutputFile.class,
        description = "write the pauses as an HdrHistogram interval log (1 s intervals; HistogramLogAnalyzer reads it)")
    Path hlog;

    void validate(CommandLine cmd) {
        if (traceEvents != null) ExperimentOptions.checkWritable(cmd, "--trace-events", traceEvents);
        if (jfr != null) ExperimentOptions.checkWritable(cmd, "--jfr", jfr);
        if (hlog != null) ExperimentOptions.checkWritable(cmd, "--hlog", hlog);
    }

    /** Writes the trace and the pause log, if asked for; returns what was written, for the closing lines. */
    java.util.List<String> write(List<TraceEvents.Labeled> runs, boolean tagged) {
        java.util.List<String> written = new java.util.ArrayList<>();
        try {
            if (traceEvents != null) {
                TraceEvents.write(runs, traceEvents);
                written.add("trace events written to " + traceEvents);
            }
            if (hlog != null) {
                PauseLog.write(runs, tagged, hlog);
                written.add("pause log written to " + hlog);
            }
        } catch (IOException e) {
            throw new UncheckedIOException("cannot write " + (written.isEmpty() && traceEvents != null ? traceEvents : hlog)
                + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")", e);
        }
        return written;
    }
}
