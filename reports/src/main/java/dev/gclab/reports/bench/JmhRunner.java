package dev.gclab.reports.bench;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.function.Consumer;
import java.util.regex.Pattern;

/**
 * Runs the JMH suite ({@code benchmarks.jar}) in child JVMs and collects its JSON results: the
 * iteration settings ({@link #FULL} for publishing, {@link #QUICK} for a look), the split of
 * {@code --quick} into runs, the child command line, one progress line per benchmark fork. Used by
 * {@code gclab bench} and by {@code gclab anchors} (for the targets of docs/performance.md).
 */
public final class JmhRunner {
    private JmhRunner() {}

    /** JMH exited non-zero or wrote no results; {@link #tail()} holds its last output lines. */
    public static final class FailedException extends Exception {
        private final List<String> tail;

        FailedException(String message, List<String> tail) {
            super(message);
            this.tail = List.copyOf(tail);
        }

        public List<String> tail() { return tail; }
    }

    /** What the runs measured, the JVM they ran on (from JMH's JSON; null if absent) and their settings in words. */
    public record Run(List<JmhResult> results, String jdk, String vm, String settings) {}

    /** Publishing quality: 2 forks, 5 warm-up and 10 measured iterations of 1 s. */
    static final List<String> FULL = List.of("-f", "2", "-wi", "5", "-i", "10", "-w", "1s", "-r", "1s");
    /** A look at the whole suite (about 2.5 minutes on 2 cores with the single-shot pass): 1 fork, 2 warm-up and 3 measured iterations of 0.5 s. */
    static final List<String> QUICK = List.of("-f", "1", "-wi", "2", "-i", "3", "-w", "500ms", "-r", "500ms");
    /**
     * Benchmarks that time one shot on a freshly built graph. Three shots give a 99.9% error wider than
     * the figure (Student's t with 2 degrees of freedom is 31.6), so {@code --quick} gives them
     * {@link #QUICK_SINGLE_SHOT}: 2 warm-up and 10 measured shots.
     */
    static final Pattern SINGLE_SHOT = Pattern.compile("\\.RcBench\\.(dropTree|detectGarbageCycles)$");
    static final List<String> QUICK_SINGLE_SHOT = List.of("-f", "1", "-wi", "2", "-i", "10");


    /** One child JMH run: the benchmarks it includes (JMH regexes; none = all) and its iteration settings. */
    public record Pass(List<String> includes, List<String> settings) {}

    /**
     * {@code --quick} in two runs: the single-shot benchmarks ({@link #SINGLE_SHOT}) with
     * {@link #QUICK_SINGLE_SHOT}, the others with {@link #QUICK}; each benchmark named exactly. When
     * the jar cannot list its benchmarks, one run with {@link #QUICK} (which then reports the failure).
     */
    static List<Pass> quickPasses(Path jar, String filter) throws IOException, InterruptedException {
        List<String> names = new ArrayList<>();
        List<String> cmd = new ArrayList<>(List.of(javaBinary(), "-jar", jar.toString(), "-l"));
        if (filter != null) cmd.add(filter);
        List<String> lines = new ArrayList<>();
        int code = runChild(cmd, lines::add);
        boolean listed = false;
        for (String l : lines) {
            if (l.startsWith("Benchmarks:")) listed = true;
            else if (listed && !l.isBlank()) names.add(l.strip());
        }
        if (code != 0 || !listed) return List.of(new Pass(filter == null ? List.of() : List.of(filter), QUICK));
        return splitQuick(names);
    }

    /** The quick runs for these benchmark names: the non-single-shot ones first; an empty group has no run. */
    static List<Pass> splitQuick(List<String> names) {
        List<String> shots = new ArrayList<>(), others = new ArrayList<>();
        for (String n : names) (SINGLE_SHOT.matcher(n).find() ? shots : others).add("^" + Pattern.quote(n) + "$");
        List<Pass> passes = new ArrayList<>();
        if (!others.isEmpty()) passes.add(new Pass(others, QUICK));
        if (!shots.isEmpty()) passes.add(new Pass(shots, QUICK_SINGLE_SHOT));
        if (passes.isEmpty()) passes.add(new Pass(List.of("^" + Pattern.quote("no benchmark matches") + "$"), QUICK));
        return passes;
    }

    /** The child JMH command line: the same java, the jar, the regex, the iteration settings, JSON results. */
    static List<String> command(String java, Path jar, List<String> includes, List<String> settings, boolean perf, Path result) {
        List<String> cmd = new ArrayList<>(List.of(java));
        if (Runtime.version().feature() >= 23) cmd.add("--sun-misc-unsafe-memory-access=allow"); // JMH's own JVM only
        cmd.add("--enable-native-access=ALL-UNNAMED"); // the heap's mmap (forks take the host's JVM options)
        cmd.addAll(List.of("-jar", jar.toString()));
        cmd.addAll(includes);
        cmd.addAll(settings);
        cmd.addAll(List.of("-foe", "true", "-rf", "json", "-rff", result.toString()));
        if (perf) cmd.addAll(List.of("-prof", "perfnorm"));
        return cmd;
    }

    static String javaBinary() {
        return ProcessHandle.current().info().command()
            .orElse(Path.of(System.getProperty("java.home"), "bin", "java").toString());
    }

    private static int runChild(List<String> cmd, Consumer<String> lines) throws IOException, InterruptedException {
        Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
        p.getOutputStream().close();
        try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getInputStream(), StandardCharsets.UTF_8))) {
            for (String line; (line = r.readLine()) != null; ) lines.accept(line);
        } finally {
            if (p.isAlive() && Thread.currentThread().isInterrupted()) p.destroyForcibly();
        }
        return p.waitFor();
    }

    /** The runs for {@code filter} (null: every benchmark): one with {@link #FULL}, or the quick split. */
    public static List<Pass> passes(Path jar, String filter, boolean quick) throws IOException, InterruptedException {
        return quick ? quickPasses(jar, filter) : List.of(new Pass(filter == null ? List.of() : List.of(filter), FULL));
    }

    /**
     * Runs {@code passes} in order; {@code progress} gets a line per run and per benchmark fork.
     * {@code note} is appended to each run's announcement (e.g. the filter).
     */
    public static Run run(Path jar, List<Pass> passes, boolean perf, String note, Consumer<String> progress)
            throws IOException, InterruptedException, FailedException {
        List<Path> files = new ArrayList<>();
        try {
            List<JmhResult> measured = new ArrayList<>();
            StringBuilder settings = new StringBuilder();
            String jdk = null, vm = null;
            for (Pass pass : passes) {
                Path result = Files.createTempFile("gclab-bench-", ".json");
                files.add(result);
                String words = String.join(" ", pass.settings()) + (passes.size() > 1 ? " (" + pass.includes().size() + " benchmarks)" : "");
                if (!settings.isEmpty()) settings.append("; ");
                settings.append(words);
                progress.accept("running " + words + note);
                JmhProgress p = new JmhProgress();
                int code = runChild(command(javaBinary(), jar, pass.includes(), pass.settings(), perf, result), line -> p.accept(line).ifPresent(progress));
                if (code != 0 || Files.size(result) == 0) throw new FailedException("JMH failed (exit " + code + ")", p.tail());
                measured.addAll(JmhJson.read(result));
                if (jdk == null) {
                    var node = new com.fasterxml.jackson.databind.ObjectMapper().readTree(result.toFile());
                    if (node.isArray() && !node.isEmpty()) {
                        jdk = node.get(0).path("vmVersion").asText(null);
                        vm = node.get(0).path("vmName").asText(null);
                    }
                }
            }
            return new Run(List.copyOf(measured), jdk, vm, settings.toString());
        } finally {
            for (Path f : files) Files.deleteIfExists(f);
        }
    }
}
