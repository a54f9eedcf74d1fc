package dev.gclab.reports.export;

import com.fasterxml.jackson.core.JsonFactory;
import com.fasterxml.jackson.core.JsonGenerator;
import dev.gclab.reports.GclabVersion;
import dev.gclab.reports.runner.RunResult;

import java.io.IOException;
import java.io.StringWriter;
import java.io.Writer;
import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;

/**
 * The pauses of one or more runs as a Chrome/Perfetto trace-event file (the JSON object form:
 * {@code {"traceEvents": [...], "displayTimeUnit": "ms", "otherData": {...}}}), which ui.perfetto.dev and
 * chrome://tracing open. Built from each result's {@code timeline}, so it needs no extra recording.
 *
 * <p>Layout: each run is a process ({@code pid} 1, 2, ... in the order given, named by its label, e.g.
 * {@code rc:counts=header}); its thread 1, "collector", holds every pause as a complete event
 * ({@code "ph": "X"}, named {@code major pause}, {@code minor pause} or {@code step}) with the phases
 * recorded inside it ({@code mark}, {@code sweep}, {@code copy}, ...) as slices nested under it; thread 2,
 * "mutator", holds one slice for the workload's run. Heap occupancy is a counter track per space
 * ({@code "ph": "C"}, named {@code heap <space>}, one sample at the run's start and one after every
 * pause) and one for the whole heap ({@code heap in use}). Times are microseconds (with nanosecond
 * decimals) on the collector's clock: every run starts near 0, so the runs of a comparison lie one under
 * the other. Events are written in timestamp order (a parent before the slices it contains).
 */
public final class TraceEvents {
    private TraceEvents() {}

    /** A run and how it is named in the trace. */
    public record Labeled(String label, RunResult result) {}

    private record Event(int order, double ts, long durNs, int pid, Runnable body) {}

    /** Writes the runs to {@code file}, creating missing parent directories. */
    public static void write(List<Labeled> runs, Path file) throws IOException {
        Path parent = file.toAbsolutePath().getParent();
        if (parent != null) Files.createDirectories(parent);
        Files.writeString(file, toJson(runs), StandardCharsets.UTF_8);
    }

    public static String toJson(List<Labeled> runs) throws IOException {
        StringWriter w = new StringWriter();
        write(runs, w);
        return w.toString();
    }

    public static void write(List<Labeled> runs, Writer out) throws IOException {
        JsonGenerator g = new JsonFactory().createGenerator(out);
        g.useDefaultPrettyPrinter();
        g.writeStartObject();
        g.writeStringField("displayTimeUnit", "ms");
        g.writeObjectFieldStart("otherData");
        g.writeStringField("generator", "gclab " + GclabVersion.get());
        if (!runs.isEmpty()) {
            RunResult first = runs.getFirst().result();
            g.writeStringField("workload", first.workload());
            g.writeNumberField("seed", first.seed());
        }
        g.writeEndObject();
        g.writeArrayFieldStart("traceEvents");
        for (int i = 0; i < runs.size(); i++) metadata(g, i + 1, runs.get(i).label());
        List<Event> events = new ArrayList<>();
        for (int i = 0; i < runs.size(); i++) collect(events, g, i + 1, runs.get(i).result());
        // timestamp order; at one time a longer slice (a pause) before the shorter ones it contains
        events.sort(Comparator.comparingDouble(Event::ts).thenComparing(Comparator.comparingLong(Event::durNs).reversed())
            .thenComparingInt(Event::pid).thenComparingInt(Event::order));
        for (Event e : events) e.body().run();
        g.writeEndArray();
        g.writeEndObject();
        g.flush();
        out.write('\n');
        out.flush();
    }

    private static void metadata(JsonGenerator g, int pid, String label) throws IOException {
        meta(g, "process_name", pid, 0, label);
        g.writeStartObject();
        g.writeStringField("name", "process_sort_index");
        g.writeStringField("ph", "M");
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", 0);
        g.writeObjectFieldStart("args");
        g.writeNumberField("sort_index", pid);
        g.writeEndObject();
        g.writeEndObject();
        meta(g, "thread_name", pid, 1, "collector");
        meta(g, "thread_name", pid, 2, "mutator");
    }

    private static void meta(JsonGenerator g, String name, int pid, int tid, String value) throws IOException {
        g.writeStartObject();
        g.writeStringField("name", name);
        g.writeStringField("ph", "M");
        g.writeNumberField("pid", pid);
        g.writeNumberField("tid", tid);
        g.writeObjectFieldStart("args");
        g.writeStringField("name", value);
        g.writeEndObject();
        g.writeEndObject();
    }

    /** Microseconds with the nanoseconds as three exact decimals. */
    static BigDecimal micros(long ns) { return BigDecimal.valueOf(ns, 3); }

    private static void collect(List<Event> events, JsonGenerator g, int pid, RunResult r) {
        RunResult.PauseTimeline t = r.timeline();
        int[] order = {0};
        long runDur = Math.max(0, t.runEndNs() - t.runStartNs());
        events.add(new Event(order[0]++, t.runStartNs() / 1e3, runDur, pid, () -> slice(g, r.workload(), "workload", t.runStartNs(), runDur, pid, 2, null)));
        for (int k = 0; k < t.spaces().size(); k++) {
            String name = t.spaces().get(k);
            events.add(new Event(order[0]++, t.runStartNs() / 1e3, -1, pid, () -> counter(g, "heap " + name, t.runStartNs(), pid, 0)));
        }
        events.add(new Event(order[0]++, t.runStartNs() / 1e3, -1, pid, () -> counter(g, "heap in use", t.runStartNs(), pid, 0)));
        for (int i = 0; i < t.startNs().size(); i++) {
            long start = t.startNs().get(i), dur = t.durationNs().get(i);
            String kind = t.kind().get(i);
            long after = t.heapBytes().get(i);
            String name = kind.equals("step") ? "step" : kind + " pause";
            events.add(new Event(order[0]++, start / 1e3, dur, pid, () -> slice(g, name, "pause", start, dur, pid, 1,
                new String[] {"kind", kind, "heap_bytes_after", Long.toString(after)})));
            long end = start + dur;
            List<Long> row = i < t.spaceBytes().size() ? t.spaceBytes().get(i) : List.of();
            for (int k = 0; k < Math.min(row.size(), t.spaces().size()); k++) {
                String space = t.spaces().get(k);
                long v = row.get(k);
                events.add(new Event(order[0]++, end / 1e3, -1, pid, () -> counter(g, "heap " + space, end, pid, v)));
            }
            events.add(new Event(order[0]++, end / 1e3, -1, pid, () -> counter(g, "heap in use", end, pid, after)));
        }
        for (int i = 0; i < t.phaseStartNs().size(); i++) {
            long start = t.phaseStartNs().get(i), dur = t.phaseDurationNs().get(i);
            String phase = t.phase().get(i);
            events.add(new Event(order[0]++, start / 1e3, dur, pid, () -> slice(g, phase, "phase", start, dur, pid, 1, null)));
        }
    }

    private static void slice(JsonGenerator g, String name, String cat, long startNs, long durNs, int pid, int tid, String[] args) {
        try {
            g.writeStartObject();
            g.writeStringField("name", name);
            g.writeStringField("cat", cat);
            g.writeStringField("ph", "X");
            g.writeFieldName("ts");
            g.writeNumber(micros(startNs));
            g.writeFieldName("dur");
            g.writeNumber(micros(durNs));
            g.writeNumberField("pid", pid);
            g.writeNumberField("tid", tid);
            if (args != null) {
                g.writeObjectFieldStart("args");
                for (int i = 0; i < args.length; i += 2) {
                    if (args[i + 1].matches("-?[0-9]+")) g.writeNumberField(args[i], Long.parseLong(args[i + 1]));
                    else g.writeStringField(args[i], args[i + 1]);
                }
                g.writeEndObject();
            }
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }

    private static void counter(JsonGenerator g, String name, long tsNs, int pid, long bytes) {
        try {
            g.writeStartObject();
            g.writeStringField("name", name);
            g.writeStringField("ph", "C");
            g.writeFieldName("ts");
            g.writeNumber(micros(tsNs));
            g.writeNumberField("pid", pid);
            g.writeNumberField("tid", 0);
            g.writeObjectFieldStart("args");
            g.writeNumberField("bytes", bytes);
            g.writeEndObject();
            g.writeEndObject();
        } catch (IOException e) {
            throw new java.io.UncheckedIOException(e);
        }
    }
}
