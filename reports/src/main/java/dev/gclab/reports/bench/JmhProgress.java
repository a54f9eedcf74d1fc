package dev.gclab.reports.bench;

import java.util.ArrayDeque;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Turns JMH's console output into one progress line per benchmark fork
 * ({@code [ 42%  ETA 00:01:05] RcBench.dropTree n=1000000}) and keeps the last lines for an error report.
 */
public final class JmhProgress {
    private static final Pattern BENCHMARK = Pattern.compile("^# Benchmark: (\\S+)");
    private static final Pattern PARAMS = Pattern.compile("^# Parameters: \\((.*)\\)");
    private static final Pattern PROGRESS = Pattern.compile("^# Run progress: ([\\d.]+)% complete, ETA (\\S+)");
    private static final Pattern FORK = Pattern.compile("^# Fork: (\\d+) of (\\d+)");
    static final int TAIL = 40;

    private String benchmark = "?";
    private String params = "";
    private String percent = "0";
    private String eta = "?";
    private final Deque<String> tail = new ArrayDeque<>();

    /** Feeds one line of JMH output; returns the progress line to show, if this line completes one. */
    public Optional<String> accept(String line) {
        if (!line.startsWith("WARNING: ")) { // the JDK's deprecation warnings about JMH's own memory access
            tail.addLast(line);
            if (tail.size() > TAIL) tail.removeFirst();
        }
        Matcher m;
        if ((m = BENCHMARK.matcher(line)).find()) {
            String full = m.group(1);
            int method = full.lastIndexOf('.');
            int cls = method > 0 ? full.lastIndexOf('.', method - 1) : -1;
            benchmark = full.substring(cls + 1);
            params = "";
        } else if ((m = PARAMS.matcher(line)).find()) {
            params = " " + m.group(1).replace(" = ", "=");
        } else if ((m = PROGRESS.matcher(line)).find()) {
            percent = m.group(1);
            eta = m.group(2);
        } else if ((m = FORK.matcher(line)).find()) {
            String fork = m.group(2).equals("1") ? "" : " (fork " + m.group(1) + "/" + m.group(2) + ")";
            return Optional.of(String.format("[%3.0f%%  ETA %s] %s%s%s", Double.parseDouble(percent), eta, benchmark, params, fork));
        } else if (line.contains("<failure>")) {
            return Optional.of("  " + benchmark + params + ": FAILED");
        }
        return Optional.empty();
    }

    /** The last {@value #TAIL} lines seen (JDK warnings left out). */
    public List<String> tail() { return List.copyOf(tail); }
}
