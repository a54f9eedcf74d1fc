package dev.gclab.reports.runner;

import dev.gclab.reports.json.ResultJson;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;

/**
 * Runs one {@link Experiment} in a fresh JVM of its own — the same {@code java}, class path and JVM
 * options as this one — and reads its result back. Tools that compare collectors run each this way,
 * so no collector's result depends on which others ran before it in the same JVM: once several
 * collector classes have been through the mutator's barrier and allocation call sites, the JIT can no
 * longer inline one collector's code there (measured by {@code BarrierPollutionBench}).
 *
 * <p>The child is {@code gclab run ... --json TMP --progress-only}, with this JVM's options and its
 * {@code gclab.*} system properties: it prints the workload's progress
 * lines (handed to {@code progress}) and writes its result file; a failure is its exit code and what it
 * printed on standard error, which {@link ChildRunException} carries.
 */
public final class ChildJvm {
    private ChildJvm() {}

    /** A run in a child JVM failed; the message is the child's own error output. */
    public static final class ChildRunException extends RuntimeException {
        private final int exitCode;

        ChildRunException(int exitCode, String message) {
            super(message);
            this.exitCode = exitCode;
        }

        /** The child's exit code: 1 for a failed run, 2 for a usage error. */
        public int exitCode() { return exitCode; }
    }

    /** The command line of the child JVM that runs {@code e} and writes its result to {@code json}. */
    static List<String> command(Experiment e, Path json) {
        List<String> cmd = new ArrayList<>();
        cmd.add(Path.of(System.getProperty("java.home"), "bin", "java").toString());
        for (String a : ManagementFactory.getRuntimeMXBean().getInputArguments()) {
            if (a.startsWith("-agentlib") || a.startsWith("-javaagent") || a.startsWith("-Xrunjdwp") || a.startsWith("-XX:StartFlightRecording")) continue;
            cmd.add(a);
        }
        // gclab's own system properties (set on the command line or by a test) configure the child too
        for (String k : new java.util.TreeSet<>(System.getProperties().stringPropertyNames())) {
            if (k.startsWith("gclab.")) cmd.add("-D" + k + "=" + System.getProperty(k));
        }
        cmd.add("-cp");
        cmd.add(System.getProperty("java.class.path"));
        cmd.add("dev.gclab.reports.cli.GclabCli");
        cmd.add("run");
        cmd.add("--collector=" + e.collector());
        cmd.add("--workload=" + e.workload());
        cmd.add("--heap=" + e.heapBytes());
        cmd.add("--seed=" + e.seed());
        cmd.add("--size=" + e.size());
        for (Map.Entry<String, String> p : e.params().entrySet()) cmd.add("--param=" + p.getKey() + "=" + p.getValue());
        for (Map.Entry<String, String> o : e.collectorOptions().entrySet()) cmd.add("--gc-option=" + o.getKey() + "=" + o.getValue());
        if (e.verify()) cmd.add("--verify");
        cmd.add("--mark-bits=" + e.markBits().name().toLowerCase(Locale.ROOT));
        cmd.add("--checks=" + e.checks().name().toLowerCase(Locale.ROOT));
        cmd.add("--growth=" + e.growthFactor());
        cmd.add("--json=" + json);
        cmd.add("--progress-only");
        return cmd;
    }

    /**
     * Runs {@code e} in a child JVM; its progress lines go to {@code progress} as they come.
     *
     * @throws ChildRunException if the run failed (the child's messages in it)
     */
    public static RunResult run(Experiment e, Consumer<String> progress) {
        Path json = null;
        try {
            json = Files.createTempFile("gclab-child-", ".json");
            ProcessBuilder pb = new ProcessBuilder(command(e, json));
            Path errFile = Files.createTempFile("gclab-child-", ".err");
            pb.redirectError(errFile.toFile());
            Process p = pb.start();
            p.getOutputStream().close();
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
                for (String line = r.readLine(); line != null; line = r.readLine()) progress.accept(line);
            }
            int code = p.waitFor();
            String err = Files.readString(errFile, StandardCharsets.UTF_8).strip();
            Files.deleteIfExists(errFile);
            if (code != 0) throw new ChildRunException(code, err.isEmpty() ? "the child JVM exited with code " + code : err.replaceFirst("^gclab: ", ""));
            return ResultJson.read(json);
        } catch (IOException ex) {
            throw new java.io.UncheckedIOException("cannot run a child JVM for " + e.collector() + ": " + ex.getMessage(), ex);
        } catch (InterruptedException ex) {
            Thread.currentThread().interrupt();
            throw new IllegalStateException("interrupted while waiting for the child JVM of " + e.collector(), ex);
        } finally {
            if (json != null) {
                try {
                    Files.deleteIfExists(json);
                } catch (IOException ignored) {
                    // a temporary file left behind is harmless
                }
            }
        }
    }
}
