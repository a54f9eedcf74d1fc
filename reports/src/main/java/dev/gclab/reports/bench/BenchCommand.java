package dev.gclab.reports.bench;

import picocli.CommandLine;
import picocli.CommandLine.Command;
import picocli.CommandLine.Model.CommandSpec;
import picocli.CommandLine.Option;
import picocli.CommandLine.Spec;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Callable;
import java.util.function.Predicate;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;

/**
 * {@code gclab bench}: runs the JMH suite ({@code benchmarks.jar}) in a child JVM, shows one progress
 * line per benchmark, then one table (a row per benchmark and parameters, named by {@link Features}).
 * Exit codes: 0; 1 JMH failed (its last lines are printed) or the JSON could not be written; 2 a usage
 * error (bad regex, unreadable or malformed baseline, no benchmarks jar).
 */
@Command(name = "bench", mixinStandardHelpOptions = true, sortOptions = false,
    description = "Run the JMH benchmarks and print one table of the results (a row per feature).")
public final class BenchCommand implements Callable<Integer> {
    /** Publishing quality: 2 forks, 5 warm-up and 10 measured iterations of 1 s. */
    static final List<String> FULL = List.of("-f", "2", "-wi", "5", "-i", "10", "-w", "1s", "-r", "1s");
    /** The whole suite in about a minute on 2 cores: 1 fork, 2 warm-up and 3 measured iterations of 0.5 s. */
    static final List<String> QUICK = List.of("-f", "1", "-wi", "2", "-i", "3", "-w", "500ms", "-r", "500ms");

    @Spec CommandSpec spec;

    @Option(names = "--quick", description = "short iterations, one fork (about a minute; numbers are rough)")
    boolean quick;

    @Option(names = "--filter", paramLabel = "REGEX", description = "only benchmarks whose name matches (JMH's regex, e.g. Allocation or 'RcBench.drop')")
    String filter;

    @Option(names = "--json", paramLabel = "FILE", description = "write the rows and machine facts to FILE")
    Path json;

    @Option(names = "--baseline", paramLabel = "FILE", description = "a file written by --json earlier: add a Δ column per row")
    Path baseline;

    @Option(names = "--bench-jar", paramLabel = "JAR", hidden = true,
        description = "the JMH uber-jar (default: system property gclab.benchJar, set by ./gclab)")
    Path benchJar;

    @Override
    public Integer call() throws Exception {
        PrintWriter out = spec.commandLine().getOut();
        PrintWriter err = spec.commandLine().getErr();
        Predicate<String> inFilter;
        try {
            Pattern p = filter == null ? null : Pattern.compile(filter);
            inFilter = p == null ? name -> true : name -> p.matcher(name).find();
        } catch (PatternSyntaxException e) {
            return usage(err, "--filter " + filter + ": not a regular expression (" + e.getDescription() + ")");
        }
        List<BenchRow> base = null;
        if (baseline != null) {
            try {
                base = BenchJson.readBaseline(baseline);
            } catch (BenchFormatException e) {
                return usage(err, e.getMessage());
            }
        }
        Path jar = benchJar != null ? benchJar : System.getProperty("gclab.benchJar") != null ? Path.of(System.getProperty("gclab.benchJar")) : null;
        if (jar == null || !Files.isRegularFile(jar)) {
            return usage(err, (jar == null ? "no benchmarks jar given" : "no benchmarks jar at " + jar)
                + " (run './gclab bench', which builds it, or pass --bench-jar benchmarks/target/benchmarks.jar)");
        }
        boolean perf = Perf.available();
        if (!perf) out.println("perf not available here: no instruction counts");
        Path result = Files.createTempFile("gclab-bench-", ".json");
        try {
            List<String> cmd = command(javaBinary(), jar, filter, quick, perf, result);
            out.println("running " + (quick ? "--quick: " : "") + String.join(" ", (quick ? QUICK : FULL)) + (filter != null ? ", filter " + filter : ""));
            out.flush();
            JmhProgress progress = new JmhProgress();
            int code = runChild(cmd, line -> progress.accept(line).ifPresent(s -> { out.println(s); out.flush(); }));
            if (code != 0 || Files.size(result) == 0) {
                err.println("gclab: JMH failed (exit " + code + "); its last lines:");
                for (String l : progress.tail()) err.println("  | " + l);
                err.flush();
                return CommandLine.ExitCode.SOFTWARE;
            }
            List<JmhResult> results = JmhJson.read(result);
            List<BenchRow> rows = new ArrayList<>();
            for (JmhResult r : results) rows.add(BenchRow.of(r));
            out.println();
            out.print(BenchTable.format(rows, base, inFilter, perf));
            if (json != null) {
                String jdk = null, vm = null;
                var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.toFile());
                if (node.isArray() && !node.isEmpty()) {
                    jdk = node.get(0).path("vmVersion").asText(null);
                    vm = node.get(0).path("vmName").asText(null);
                }
                try {
                    BenchJson.write(json, rows, BenchJson.Machine.current(jdk, vm), String.join(" ", quick ? QUICK : FULL)
                        + (filter != null ? " filter=" + filter : "") + (perf ? " -prof perfnorm" : ""));
                } catch (IOException e) {
                    out.flush();
                    err.println("gclab: cannot write " + json + " (" + e.getClass().getSimpleName() + ": " + e.getMessage() + ")");
                    err.flush();
                    return CommandLine.ExitCode.SOFTWARE;
                }
                out.println("results written to " + json);
            }
            out.flush();
            return CommandLine.ExitCode.OK;
        } finally {
            Files.deleteIfExists(result);
        }
    }

    /** The child JMH command line: the same java, the jar, the regex, the iteration settings, JSON results. */
    static List<String> command(String java, Path jar, String filter, boolean quick, boolean perf, Path result) {
        List<String> cmd = new ArrayList<>(List.of(java));
        if (Runtime.version().feature() >= 23) cmd.add("--sun-misc-unsafe-memory-access=allow"); // JMH's own JVM only
        cmd.addAll(List.of("-jar", jar.toString()));
        if (filter != null) cmd.add(filter);
        cmd.addAll(quick ? QUICK : FULL);
        cmd.addAll(List.of("-foe", "true", "-rf", "json", "-rff", result.toString()));
        if (perf) cmd.addAll(List.of("-prof", "perfnorm"));
        return cmd;
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int runChild(List<String> cmd, java.util.function.Consumer<String> lines) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) lines.accept(line);
        } finally {
            if (p.isAlive() && Thread.currentThread().isInterrupted()) p.destroyForcibly();
        }
        return p.waitFor();
    }

    private static int usage(PrintWriter err, String message) {
        err.println("gclab: " + message);
        err.flush();
        return CommandLine.ExitCode.USAGE;
    }
}
