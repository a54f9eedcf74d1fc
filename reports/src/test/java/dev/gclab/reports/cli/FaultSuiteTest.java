package dev.gclab.reports.cli;

import dev.gclab.gc.spi.CollectorOptions;
import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.heap.memory.HeapMemory;
import dev.gclab.workloads.Numbers;
import dev.gclab.workloads.Params;
import dev.gclab.workloads.SizeRange;
import dev.gclab.workloads.Workload;
import dev.gclab.workloads.WorkloadParam;
import dev.gclab.workloads.WorkloadParam.ChoiceParam;
import dev.gclab.workloads.WorkloadParam.DecimalParam;
import dev.gclab.workloads.WorkloadParam.IntegerParam;
import dev.gclab.workloads.WorkloadRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import picocli.CommandLine;
import picocli.CommandLine.ParseResult;

import java.io.PrintWriter;
import java.io.StringWriter;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Predicate;
import java.util.regex.Pattern;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertThrows;
import static org.junit.jupiter.api.Assertions.assertTrue;
import static org.junit.jupiter.api.Assertions.fail;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * The fault suite of issue 8 ("faults never lose a run"): bad input is refused before any work starts,
 * with exit code 2, a message that names the option or parameter, the value as given and what is
 * valid, and no stack trace; failures of a run exit 1 without a stack trace.
 *
 * <p>The bad-value matrix iterates the registered workloads and their declared parameters
 * ({@link Workload#parameters()}, {@link Workload#sizes}) and the registered collectors, so new ones are
 * covered without editing this class. Whether a cell is valid is decided here from the declaration
 * (range, choices), independently of the code under test; valid cells are only checked, never run.
 */
class FaultSuiteTest {
    /** The kinds of bad value every option and parameter is tried with. */
    private static final Map<String, String> BAD_INTEGERS = badValues("99999999999999999999");
    private static final Map<String, String> BAD_NUMBERS = badValues("1e300");

    private static Map<String, String> badValues(String huge) {
        Map<String, String> m = new LinkedHashMap<>();
        m.put("negative", "-1");
        m.put("zero", "0");
        m.put("huge", huge);
        m.put("non-numeric", "abc");
        m.put("NaN", "NaN");
        m.put("Infinity", "Infinity");
        m.put("empty", "");
        return m;
    }

    /** Some registered collector, where any one will do. */
    private static final String ANY = CollectorRegistry.all().getFirst().name();

    private static final Pattern STACK_FRAME = Pattern.compile("(?m)^\\s+at [\\w$.]+\\(|Exception in thread|^Caused by: ");

    /** One in-process invocation through gclab's own command line (with its failure handler). */
    private static CliResult cli(String... args) {
        StringWriter out = new StringWriter();
        StringWriter err = new StringWriter();
        CommandLine cl = GclabCli.commandLine();
        cl.setOut(new PrintWriter(out, true));
        cl.setErr(new PrintWriter(err, true));
        int code = cl.execute(args);
        return new CliResult(code, out.toString(), err.toString());
    }

    /** Parses {@code args} and runs the command's checks only ({@code prepare}): nothing runs. */
    private static void prepareOnly(String... args) {
        CommandLine cl = GclabCli.commandLine();
        ParseResult pr = cl.parseArgs(args);
        Object command = pr.subcommand().commandSpec().userObject();
        switch (command) {
            case RunCommand r -> r.prepare();
            case CompareCommand c -> c.prepare();
            default -> fail("not an experiment command: " + command);
        }
    }

    private static String[] concat(List<String> a, String... b) {
        List<String> all = new ArrayList<>(a);
        all.addAll(Arrays.asList(b));
        return all.toArray(String[]::new);
    }

    /** A size inside {@code w}'s range at its defaults, as small as the range allows (so a wrongly accepted cell runs briefly). */
    private static String smallSize(Workload w) {
        SizeRange r = w.sizes(Params.parse(w, Map.of()));
        double s = r.min() > 0 ? r.min() : Math.min(r.max(), 0.001);
        return Double.toString(s);
    }

    /**
     * The run and compare command lines for workload {@code w}, small and quiet, to which the option
     * under test is appended ({@code without}: an option the cell sets itself, left out here because
     * picocli refuses an option given twice).
     */
    private static List<List<String>> commands(Workload w, String without) {
        String collector = CollectorRegistry.all().getFirst().name();
        List<String> common = new ArrayList<>(List.of("-w", w.name(), "-q"));
        if (!without.equals("--size")) common.addAll(List.of("--size", smallSize(w)));
        if (!without.equals("--heap")) common.addAll(List.of("--heap", "16m"));
        List<String> run = new ArrayList<>(List.of("run", "-c", collector));
        run.addAll(common);
        List<String> compare = new ArrayList<>(List.of("compare"));
        compare.addAll(common);
        return List.of(run, compare);
    }

    private static List<List<String>> commands(Workload w) { return commands(w, ""); }

    /** A refused value: exit 2 before anything ran, a message with every expected part, no stack trace. */
    private static void assertRefused(String[] args, List<String> expected) {
        CliResult r = cli(args);
        String where = String.join(" ", args) + "\n" + r;
        assertEquals(2, r.code(), where);
        assertEquals("", r.out(), "nothing ran: " + where);
        for (String part : expected) assertTrue(r.err().contains(part), "expected '" + part + "' in: " + where);
        assertFalse(STACK_FRAME.matcher(r.err()).find(), "no stack trace: " + where);
    }

    private static void assertAccepted(String[] args) {
        try {
            prepareOnly(args);
        } catch (RuntimeException e) {
            fail("expected " + String.join(" ", args) + " to be accepted: " + e);
        }
    }

    /** How a bad value shows in a message. */
    private static String shown(String raw) { return raw.isEmpty() ? "'' (empty)" : "'" + raw + "'"; }

    // ------------------------------------------------------------------ the matrix

    @Test
    void everyDeclaredWorkloadParameterRefusesBadValuesBeforeTheRun() {
        int refused = 0, accepted = 0;
        for (Workload w : WorkloadRegistry.all()) {
            for (WorkloadParam p : w.parameters()) {
                Predicate<String> valid;
                String range;
                switch (p) {
                    case IntegerParam i -> {
                        range = "[" + i.min() + ", " + i.max() + "]";
                        valid = raw -> i.keywords().contains(raw.trim()) || raw.trim().matches("[+-]?[0-9]+")
                            && new BigInteger(raw.trim()).compareTo(BigInteger.valueOf(i.min())) >= 0
                            && new BigInteger(raw.trim()).compareTo(BigInteger.valueOf(i.max())) <= 0;
                    }
                    case ChoiceParam c -> {
                        range = String.join(", ", c.choices());
                        valid = raw -> c.choices().contains(raw.trim());
                    }
                    case DecimalParam d -> {
                        range = "[" + Numbers.format(d.min()) + ", " + Numbers.format(d.max()) + "]";
                        valid = raw -> raw.trim().matches(DecimalParam.SYNTAX)
                            && new java.math.BigDecimal(raw.trim()).compareTo(java.math.BigDecimal.valueOf(d.min())) >= 0
                            && new java.math.BigDecimal(raw.trim()).compareTo(java.math.BigDecimal.valueOf(d.max())) <= 0;
                    }
                }
                for (String raw : BAD_INTEGERS.values()) {
                    for (List<String> command : commands(w)) {
                        String[] args = concat(command, "-p", p.name() + "=" + raw);
                        if (valid.test(raw)) {
                            assertAccepted(args);
                            accepted++;
                        } else {
                            assertRefused(args, List.of("parameter " + p.name() + " of workload " + w.name(), shown(raw), range));
                            refused++;
                        }
                    }
                }
            }
        }
        assertTrue(refused > 0 && accepted > 0, "refused " + refused + ", accepted " + accepted);
    }

    @Test
    void sizeOutsideEveryWorkloadsRangeIsRefusedBeforeTheRun() {
        for (Workload w : WorkloadRegistry.all()) {
            SizeRange range = w.sizes(Params.parse(w, Map.of()));
            for (Map.Entry<String, String> bad : BAD_NUMBERS.entrySet()) {
                String raw = bad.getValue();
                for (List<String> command : commands(w, "--size")) {
                    String[] args = concat(command, "--size", raw);
                    List<String> expected = switch (bad.getKey()) {
                        // finite and > 0: the workload's declared range decides
                        case "huge" -> List.of(w.name() + ": size " + raw + " is out of range", range.toString());
                        case "NaN", "Infinity" -> List.of("'--size'", shown(raw), "finite number > 0");
                        default -> List.of("'--size'", shown(raw), "> 0");
                    };
                    assertRefused(args, expected);
                }
            }
        }
    }

    /** The options every experiment takes, with what a valid value is; the same for every workload and command. */
    @Test
    void globalOptionsRefuseBadValuesBeforeTheRun() {
        record Option(String name, Map<String, String> values, Predicate<String> valid, List<String> range) {}
        List<Option> options = List.of(
            new Option("--heap", BAD_INTEGERS, raw -> false, List.of("1 MiB to 1 TiB")),
            new Option("--seed", BAD_INTEGERS, raw -> raw.equals("-1") || raw.equals("0"),
                List.of("[" + Long.MIN_VALUE + ", " + Long.MAX_VALUE + "]")),
            new Option("--growth", BAD_NUMBERS, raw -> raw.equals("1e300"), List.of("finite number > 1")));
        Workload w = WorkloadRegistry.all().getFirst();
        for (Option o : options) {
            for (String raw : o.values().values()) {
                for (List<String> command : commands(w, o.name())) {
                    String[] args = concat(command, o.name(), raw);
                    if (o.valid().test(raw)) {
                        assertAccepted(args);
                    } else {
                        List<String> expected = new ArrayList<>(List.of("Invalid value for option '" + o.name() + "'", shown(raw)));
                        expected.addAll(o.range());
                        assertRefused(args, expected);
                    }
                }
            }
        }
    }

    // ------------------------------------------------------------------ the probes of issue 8, item 4

    @Test
    void jsonFileIsCheckedBeforeTheRun(@TempDir Path dir) throws Exception {
        Path file = Files.writeString(dir.resolve("file"), "x");
        Workload w = WorkloadRegistry.all().getFirst();
        for (List<String> command : commands(w)) {
            assertRefused(concat(command, "--json", ""), List.of("Invalid value for option '--json': '' (empty): the file name is empty"));
            assertRefused(concat(command, "--json", dir.toString()), List.of("Invalid value for option '--json': '" + dir + "' is a directory"));
            assertRefused(concat(command, "--json", dir + "/out/"), List.of("Invalid value for option '--json': '" + dir + "/out/' names a directory"));
            assertRefused(concat(command, "--json", file.resolve("r.json").toString()),
                List.of("Invalid value for option '--json': cannot create '" + file.resolve("r.json") + "': " + file + " is not a directory"));
            assertAccepted(concat(command, "--json", dir.resolve("new/dir/r.json").toString()));
            assertAccepted(concat(command, "--json", file.toString()));
        }
        assertFalse(Files.exists(dir.resolve("new")), "checking creates nothing");
    }

    @Test
    void timelineAndCsvFilesAreCheckedBeforeTheRun(@TempDir Path dir) throws Exception {
        Workload w = WorkloadRegistry.all().getFirst();
        for (List<String> command : commands(w)) {
            List<String> options = new ArrayList<>(List.of("--trace-events", "--jfr", "--hlog"));
            if (command.contains("compare")) options.add("--csv");
            for (String option : options) {
                assertRefused(concat(command, option, dir.toString()), List.of("Invalid value for option '" + option + "': '" + dir + "' is a directory"));
                assertRefused(concat(command, option, ""), List.of("Invalid value for option '" + option + "': '' (empty): the file name is empty"));
            }
        }
        assertRefused(new String[] {"sweep", "-w", w.name(), "--csv", dir.toString()}, List.of("Invalid value for option '--csv': '" + dir + "' is a directory"));
    }

    @Test
    void compareChecksEveryCollectorsOptionsBeforeTheFirstRun() {
        // no collector takes this option: the first one in the registry refuses it before anything runs
        assertRefused(new String[] {"compare", "-w", "testchurn", "--size", "0.01", "-o", "no_such_option=1"},
            List.of("gclab: " + ANY + ": ", "no_such_option"));
        // the issue's probe: an option some collectors take (rc's counts=header) and others refuse; before,
        // the collectors that took it ran to completion first. Which collector refuses it is asked of
        // the providers themselves, so the probe holds whatever collectors are registered.
        CollectorOptions d = CollectorOptions.defaults();
        CollectorOptions counts = new CollectorOptions(d.growthFactor(), d.minTriggerBytes(), d.verify(), Map.of("counts", "header"));
        List<String> refusing = new ArrayList<>(), accepting = new ArrayList<>();
        for (CollectorProvider p : CollectorRegistry.all()) {
            try {
                p.validate(counts);
                accepting.add(p.name());
            } catch (IllegalArgumentException e) {
                refusing.add(p.name());
            }
        }
        assumeTrue(!refusing.isEmpty() && !accepting.isEmpty(), "needs a collector taking counts=header and one refusing it");
        assertRefused(new String[] {"compare", "-w", "testchurn", "--size", "0.01", "-o", "counts=header"},
            List.of("gclab: " + refusing.getFirst() + ": ", "counts"));
        // every collector's validation accepts no options
        for (CollectorProvider p : CollectorRegistry.all()) {
            assertAccepted(new String[] {"run", "-c", p.name(), "-w", "testchurn", "--size", "0.01"});
        }
    }

    @Test
    void collectorNamesInCompareAreCheckedLikeAList() {
        String first = CollectorRegistry.all().getFirst().name();
        assertRefused(new String[] {"compare", "-w", "testchurn", "-c", first + ","},
            List.of("Invalid value for option '--collectors': an empty collector name in '" + first + ",'"));
        assertRefused(new String[] {"compare", "-w", "testchurn", "-c", "," + first},
            List.of("Invalid value for option '--collectors': an empty collector name in '," + first + "'"));
        assertRefused(new String[] {"compare", "-w", "testchurn", "-c", first, "-c", first},
            List.of("Invalid value for option '--collectors': " + first + " is listed twice"));
    }

    @Test
    void repeatedParameterAndOptionKeysAreRefused() {
        String collector = CollectorRegistry.all().getFirst().name();
        for (String cmd : new String[] {"run", "compare"}) {
            List<String> head = cmd.equals("run") ? List.of("run", "-c", collector) : List.of("compare");
            assertRefused(concat(head, "-w", "testchurn", "-p", "keep=1", "-p", "keep=2"),
                List.of("Invalid value for option '--param': key 'keep' is given twice (keep=1 and keep=2); give each key once"));
            assertRefused(concat(head, "-w", "testchurn", "-p", "keep=1", "--param", " keep =1"),
                List.of("Invalid value for option '--param': key 'keep' is given twice"));
            assertRefused(concat(head, "-w", "testchurn", "-o", "a=1", "-o", "a=2"),
                List.of("Invalid value for option '--gc-option': key 'a' is given twice (a=1 and a=2)"));
        }
    }

    @Test
    void heapOverTheLimitSaysSo() {
        for (String big : new String[] {"2t", "1025g", "1099511627777", "99999999999t", "99999999999999999999"}) {
            assertRefused(new String[] {"run", "-c", ANY, "-w", "testchurn", "--heap", big},
                List.of("Invalid value for option '--heap': '" + big + "' is over the 1 TiB limit; a heap is 1 MiB to 1 TiB (1m .. 1t), e.g. 256m"));
        }
        assertAccepted(new String[] {"run", "-c", ANY, "-w", "testchurn", "--heap", "1t"});
        assertAccepted(new String[] {"run", "-c", ANY, "-w", "testchurn", "--heap", "1T"});
    }

    @Test
    void infiniteSizeAndGrowthAreRefusedAsNotFinite() {
        for (String inf : new String[] {"Infinity", "-Infinity", "1e999"}) {
            assertRefused(new String[] {"run", "-c", ANY, "-w", "testchurn", "--size", inf},
                List.of("Invalid value for option '--size': '" + inf + "' is not a finite number; expected a finite number > 0"));
            assertRefused(new String[] {"run", "-c", ANY, "-w", "testchurn", "--growth", inf},
                List.of("Invalid value for option '--growth': '" + inf + "' is not a finite number; expected a finite number > 1"));
        }
    }

    @Test
    void hugeSizesPrintAsPlainNumbers() {
        for (Workload w : WorkloadRegistry.all()) {
            for (String huge : new String[] {"1e300", "1.7976931348623157e308", "1e20"}) {
                CliResult r = cli("run", "-c", ANY, "-w", w.name(), "--size", huge);
                assertEquals(2, r.code(), r::toString);
                assertTrue(r.err().contains("size " + huge + " is out of range"), r::toString);
                assertFalse(r.err().matches("(?s).*[0-9,]{25,}.*"), "no runs of digits: " + r);
                assertFalse(r.err().contains("E3") || r.err().contains("E2") || r.err().contains(Long.toString(Long.MAX_VALUE)), r::toString);
            }
        }
    }

    @Test
    void rcThresholdErrorNamesTheCollectorAndTheIndex() {
        // the message itself is rc's; gclab only promises the collector's name in front of it
        CliResult r = cli("run", "-c", "rc", "-w", "testchurn", "--size", "0.01", "-o", "thresholds=-5,1,1");
        assertEquals(2, r.code(), r::toString);
        assertEquals("", r.out(), "nothing ran");
        assertTrue(r.err().matches("(?s)gclab: rc: .*\\bthreshold 0\\b.*-5.*"), r::toString);
        r = cli("run", "-c", "rc", "-w", "testchurn", "--size", "0.01", "-o", "thresholds=1,1,-7");
        assertTrue(r.err().matches("(?s)gclab: rc: .*\\bthreshold 2\\b.*-7.*"), r::toString);
    }

    @Test
    void namesAndKeywordsAreCaseSensitiveEverywhere() {
        for (CollectorProvider p : CollectorRegistry.all()) {
            String upper = p.name().toUpperCase(Locale.ROOT);
            if (upper.equals(p.name())) continue;
            assertRefused(new String[] {"run", "-c", upper, "-w", "testchurn"},
                List.of("unknown collector '" + upper + "'", "(names are case-sensitive)"));
            assertRefused(new String[] {"compare", "-c", upper, "-w", "testchurn"},
                List.of("unknown collector '" + upper + "'", "(names are case-sensitive)"));
        }
        for (Workload w : WorkloadRegistry.all()) {
            String upper = w.name().toUpperCase(Locale.ROOT);
            assertRefused(new String[] {"run", "-c", ANY, "-w", upper},
                List.of("unknown workload '" + upper + "'", "(names are case-sensitive)"));
            for (WorkloadParam p : w.parameters()) {
                if (p instanceof ChoiceParam c) {
                    String choice = c.choices().getLast().toUpperCase(Locale.ROOT);
                    assertRefused(new String[] {"run", "-c", ANY, "-w", w.name(), "-p", c.name() + "=" + choice},
                        List.of("not '" + choice + "' (values are case-sensitive)"));
                }
            }
        }
        assertRefused(new String[] {"run", "-c", ANY, "-w", "testchurn", "--mark-bits", "SIDE"},
            List.of("'SIDE' is not one of side, header (values are case-sensitive)"));
        assertRefused(new String[] {"run", "-c", ANY, "-w", "testchurn", "--checks", "Fast"},
            List.of("'Fast' is not one of full, fast (values are case-sensitive)"));
        assertAccepted(new String[] {"run", "-c", " " + ANY + " ", "-w", "testchurn", "--mark-bits", " header", "-p", "fail= none "});
    }

    // ------------------------------------------------------------------ item 3: failures of a run

    @Test
    void theMachineRunningOutOfMemoryIsACleanOutOfHeapWithTheSeed() {
        System.setProperty(HeapMemory.FAIL_COMMIT_PROPERTY, "0");
        try {
            for (CollectorProvider p : CollectorRegistry.all()) {
                CliResult r = cli("run", "-c", p.name(), "-w", "testchurn", "--size", "0.01", "--heap", "32m", "--seed", "7", "-q");
                assertEquals(1, r.code(), r::toString);
                assertTrue(r.out().startsWith("seed 7\n"), r::toString);
                assertEquals("gclab: out of heap: the machine ran out of memory: a request of 33,554,432 bytes to grow the heap failed "
                    + "(heap maximum 33,554,432 bytes, committed 0, live 0; java.lang.OutOfMemoryError: simulated: gclab.heap.failCommitAt=0 "
                    + "(cannot allocate 33554432 bytes))\n(seed 7: repeat with --seed 7; run with --stacktrace for details)\n", r.err(), p.name());
            }
            CliResult c = cli("compare", "-w", "testchurn", "--size", "0.01", "--heap", "32m", "--seed", "7", "-q");
            assertEquals(1, c.code(), c::toString);
            for (CollectorProvider p : CollectorRegistry.all()) {
                assertTrue(c.err().contains("gclab: the run on " + p.name() + " failed:\ngclab: out of heap: the machine ran out of memory"), c::toString);
            }
            assertFalse(STACK_FRAME.matcher(c.err()).find(), c::toString);
        } finally {
            System.clearProperty(HeapMemory.FAIL_COMMIT_PROPERTY);
        }
    }

    @Test
    void anErrorOfTheProgramIsARunFailureWithTheSeedAndNoStackTrace() {
        for (CollectorProvider p : CollectorRegistry.all()) {
            CliResult r = cli("run", "-c", p.name(), "-w", "testchurn", "--size", "0.01", "--seed", "3", "-q", "-p", "fail=error");
            assertEquals(1, r.code(), r::toString);
            assertEquals("gclab: java.lang.AssertionError: testchurn: a broken invariant (test)\n"
                + "(seed 3: repeat with --seed 3; run with --stacktrace for details)\n", r.err(), p.name());
        }
        CliResult c = cli("compare", "-w", "testchurn", "--size", "0.01", "--seed", "3", "-q", "-p", "fail=error");
        assertEquals(1, c.code(), c::toString);
        assertTrue(c.err().contains("java.lang.AssertionError: testchurn: a broken invariant (test)\n(seed 3: repeat with --seed 3;"), c::toString);
        assertFalse(STACK_FRAME.matcher(c.err()).find(), c::toString);
        CliResult traced = cli("run", "-c", ANY, "-w", "testchurn", "--size", "0.01", "--seed", "3", "-q", "-p", "fail=error", "--stacktrace");
        assertEquals(1, traced.code(), traced::toString);
        assertTrue(STACK_FRAME.matcher(traced.err()).find(), "--stacktrace prints it: " + traced);
    }

    @Test
    void anErrorOfTheJvmItselfIsNotSwallowed() {
        CommandLine cl = GclabCli.commandLine();
        cl.setOut(new PrintWriter(new StringWriter(), true));
        cl.setErr(new PrintWriter(new StringWriter(), true));
        assertThrows(InternalError.class, () -> cl.execute("run", "-c", ANY, "-w", "testchurn", "--size", "0.01", "-q", "-p", "fail=vmerror"));
    }
}
