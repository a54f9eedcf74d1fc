package dev.gclab.reports.cli;

import org.junit.jupiter.api.Test;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** Exit codes and messages: 0 success, 1 run failure, 2 usage error. */
class GclabCliTest {
    private static final String[] RUN = {"run", "-c", "marksweep", "-w", "testchurn", "--size", "0.2", "--heap", "32m"};

    private static String[] run(String... more) {
        String[] args = java.util.Arrays.copyOf(RUN, RUN.length + more.length);
        System.arraycopy(more, 0, args, RUN.length, more.length);
        return args;
    }

    private static void assertContains(CliResult r, String text, String where) {
        assertTrue(where.contains(text), "expected '" + text + "' in:\n" + r);
    }

    @Test
    void listShowsCollectorsWorkloadsAndParameters() {
        CliResult r = CliResult.run("list");
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("collector +marksweep +stop-the-world.*")), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.matches("workload +testchurn +test-only: .*")), r::toString);
        assertTrue(r.out().lines().anyMatch(l -> l.matches(" +-p keep +1024: .*")), r::toString);
    }

    @Test
    void versionNamesGclabAndTheJdk() {
        CliResult r = CliResult.run("--version");
        assertEquals(0, r.code(), r::toString);
        assertContains(r, "gclab 0.", r.out());
        assertContains(r, "JDK " + Runtime.version(), r.out());
    }

    @Test
    void runPrintsASummary() {
        CliResult r = CliResult.run(run("--seed", "42", "-p", "keep=64"));
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().startsWith("seed 42\n"), r::toString);
        for (String s : new String[] {"testchurn: 20000 allocations", "run        marksweep on testchurn, size 0.2, params keep=64",
            "GC cycles ", "pauses ", "p50 ", "p99 ", "max ", "mutator ", "peak heap ", "work counters", "  allocations  "}) {
            assertContains(r, s, r.out());
        }
        assertEquals("", r.err());
    }

    @Test
    void runWithoutSeedPrintsTheSeedItDrew() {
        CliResult r = CliResult.run(run("--quiet"));
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().matches("(?s)seed (\\d+) \\(random; repeat with --seed \\1\\)\n.*"), r::toString);
        assertFalse(r.out().contains("testchurn: "), "--quiet drops the workload's log");
    }

    @Test
    void unknownCollectorListsTheValidOnes() {
        CliResult r = CliResult.run("run", "-c", "nope", "-w", "testchurn");
        assertEquals(2, r.code(), r::toString);
        assertContains(r, "gclab: unknown collector 'nope'; valid collectors: " + dev.gclab.gc.spi.CollectorRegistry.names(), r.err());
        assertEquals("", r.out());
    }

    @Test
    void collectorOptionsReachTheCollectorAndUnknownOnesAreUsageErrors() {
        CliResult r = CliResult.run("run", "-c", "rc", "-w", "testchurn", "--seed", "1", "-q", "-o", "counts=header", "-o", "thresholds=100");
        assertEquals(0, r.code(), r::toString);
        assertContains(r, "pages_dirtied", r.out());
        r = CliResult.run("run", "-c", "rc", "-w", "testchurn", "--seed", "1", "-q", "-o", "count=header");
        assertEquals(2, r.code(), r::toString);
        assertContains(r, "valid options: counts, debug, incremental, thresholds, trigger", r.err());
        r = CliResult.run("run", "-c", "marksweep", "-w", "testchurn", "--seed", "1", "-q", "-o", "x=1");
        assertEquals(2, r.code(), r::toString);
        assertContains(r, "marksweep: unknown option 'x'; valid options: debug", r.err());
    }

    @Test
    void unknownWorkloadListsTheValidOnes() {
        CliResult r = CliResult.run("run", "-c", "marksweep", "-w", "nope");
        assertEquals(2, r.code(), r::toString);
        assertContains(r, "gclab: unknown workload 'nope'; valid workloads: ", r.err());
        assertContains(r, "testchurn", r.err());
    }

    @Test
    void unknownWorkloadParameterListsTheValidOnes() {
        CliResult r = CliResult.run(run("-p", "kep=3"));
        assertEquals(2, r.code(), r::toString);
        assertContains(r, "unknown parameter 'kep' for workload testchurn; valid parameters: fail, keep", r.err());
    }

    @Test
    void unknownOptionPrintsPicocliMessageAndUsage() {
        CliResult r = CliResult.run(run("--bogus"));
        assertEquals(2, r.code(), r::toString);
        assertContains(r, "Unknown option: '--bogus'", r.err());
        assertContains(r, "Usage: gclab run", r.err());
    }

    @Test
    void badValuesAreUsageErrors() {
        String[][] cases = {
            {"--heap", "lots", "'lots' is not a size; a heap is 1 MiB to 1 TiB (1m .. 1t), e.g. 256m"},
            {"--heap", "10k", "'10k' is under the 1 MiB minimum (10,240 bytes); a heap is 1 MiB to 1 TiB"},
            {"--mark-bits", "stripes", "'stripes' is not one of side, header"},
            {"--checks", "none", "'none' is not one of full, fast"},
            {"--seed", "x", "'x' is not an integer; a seed is an integer in [-9223372036854775808, 9223372036854775807]"},
            {"--growth", "1", "'1' is not > 1; expected a finite number > 1"},
            {"-p", "keep", "Invalid value for option '--param': 'keep' is not KEY=VALUE"},
            {"-p", "=3", "Invalid value for option '--param': '=3' is not KEY=VALUE"},
        };
        for (String[] c : cases) {
            CliResult r = CliResult.run(run(c[0], c[1]));
            assertEquals(2, r.code(), r::toString);
            assertContains(r, c[2], r.err());
            assertContains(r, "Usage: gclab run", r.err());
        }
        CliResult size = CliResult.run("run", "-c", "marksweep", "-w", "testchurn", "--size", "0");
        assertEquals(2, size.code(), size::toString);
        assertContains(size, "Invalid value for option '--size': '0' is not > 0; expected a finite number > 0", size.err());
    }

    @Test
    void missingOptionsAndSubcommandAreUsageErrors() {
        CliResult r = CliResult.run("run", "-w", "testchurn");
        assertEquals(2, r.code(), r::toString);
        assertContains(r, "Missing required option: '--collector=NAME'", r.err());
        CliResult none = CliResult.run();
        assertEquals(2, none.code(), none::toString);
        assertContains(none, "Missing subcommand", none.err());
        assertEquals(2, CliResult.run("frobnicate").code());
    }

    @Test
    void helpSucceeds() {
        CliResult r = CliResult.run("run", "--help");
        assertEquals(0, r.code(), r::toString);
        assertContains(r, "--mark-bits=side|header", r.out());
    }

    @Test
    void outOfHeapIsARunFailureWithoutStackTrace() {
        CliResult r = CliResult.run("run", "-c", "marksweep", "-w", "testchurn", "--heap", "1m", "--seed", "3", "-p", "fail=oom");
        assertEquals(1, r.code(), r::toString);
        assertTrue(r.out().startsWith("seed 3\n"), "the seed is printed before the run starts:\n" + r);
        assertContains(r, "gclab: out of heap: a request of ", r.err());
        assertContains(r, "(seed 3: repeat with --seed 3; run with --stacktrace for details)", r.err());
        assertFalse(r.err().contains("\tat "), r::toString);
    }

    @Test
    void stackTraceOnRequest() {
        CliResult r = CliResult.run("run", "-c", "marksweep", "-w", "testchurn", "--heap", "1m", "-p", "fail=oom", "--stacktrace");
        assertEquals(1, r.code(), r::toString);
        assertContains(r, "dev.gclab.heap.OutOfHeapException", r.err());
        assertContains(r, "\tat dev.gclab.heap.Mutator", r.err());
    }

    @Test
    void invalidAccessAndVerificationFailuresAreRunFailures() {
        CliResult access = CliResult.run(run("-p", "fail=access"));
        assertEquals(1, access.code(), access::toString);
        assertContains(access, "gclab: invalid heap access: getLong at address 0x", access.err());
        CliResult verify = CliResult.run(run("-p", "fail=verify"));
        assertEquals(1, verify.code(), verify::toString);
        assertContains(verify, "gclab: heap verification failed after collection 1 (test): 1 problem(s):", verify.err());
        assertFalse(verify.err().contains("\tat "), verify::toString);
    }

    @Test
    void escapingExceptionsGoThroughTheSameHandler() throws Exception {
        java.io.StringWriter err = new java.io.StringWriter();
        picocli.CommandLine cl = GclabCli.commandLine();
        cl.setErr(new java.io.PrintWriter(err, true));
        int code = cl.getExecutionExceptionHandler().handleExecutionException(
            new IllegalStateException("boom"), cl, cl.parseArgs("list"));
        assertEquals(1, code);
        assertEquals("gclab: java.lang.IllegalStateException: boom\n(run with --stacktrace for details)\n", err.toString().replace("\r", ""));
    }
}
