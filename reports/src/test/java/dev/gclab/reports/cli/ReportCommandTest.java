package dev.gclab.reports.cli;

import dev.gclab.gc.spi.CollectorProvider;
import dev.gclab.gc.spi.CollectorRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertFalse;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code gclab report}: inputs told apart and refused with their first problem, names escaped, the page self-contained. */
class ReportCommandTest {
    private static List<String> names() { return CollectorRegistry.all().stream().map(CollectorProvider::name).limit(2).toList(); }

    private static Path run(Path dir, String collector, String file) {
        Path json = dir.resolve(file);
        CliResult r = CliResult.run("run", "-c", collector, "-w", "testchurn", "--seed", "11", "--heap", "4m", "-q", "--json", json.toString());
        assertEquals(0, r.code(), r::toString);
        return json;
    }

    @Test
    void runFilesOfOneConditionAreOneComparisonAndEveryNameIsEscaped(@TempDir Path dir) throws Exception {
        Path a = run(dir, names().get(0), "a.json"), b = run(dir, names().get(1), "b.json");
        String hostile = "<img src=x onerror=alert(1)>&\"'";
        Path evil = dir.resolve("evil.json");
        Files.writeString(evil, Files.readString(b).replace("\"collector\" : \"" + names().get(1) + "\"",
            "\"collector\" : \"" + hostile.replace("\"", "\\\"") + "\""));
        Path html = dir.resolve("out/r.html");
        CliResult r = CliResult.run("report", a.toString(), b.toString(), evil.toString(), "-o", html.toString());
        assertEquals(0, r.code(), r::toString);
        String page = Files.readString(html);
        assertFalse(page.contains("<img"), "the hostile name is text, not markup");
        assertTrue(page.contains("&lt;img src=x onerror=alert(1)&gt;&amp;&quot;&#39;"), "escaped where it is shown");
        assertFalse(page.contains("<script") || page.contains("src=\"http") || page.contains("href=\"http") || page.contains("url(http"),
            "no script, nothing fetched");
        assertEquals(1, page.split("<table class=\"summary\"", -1).length - 1, "the three runs share one condition: one summary table");
        for (String id : List.of("pauses-", "mmu-", "heap-")) assertTrue(page.contains("id=\"" + id), id);
        assertTrue(page.contains("gclab run --collector=" + names().get(0) + " --workload=testchurn --heap=4194304 --seed=11"),
            "the command that repeats each run");
        assertTrue(page.contains("<details><summary>data</summary>"), "every chart has its data");
    }

    @Test
    void malformedOrForeignInputsAreRefusedNamingTheFileAndTheFirstProblem(@TempDir Path dir) throws Exception {
        Path good = run(dir, names().get(0), "good.json");
        Path html = dir.resolve("r.html");
        String[][] cases = {
            {"bench.json", "{\"schema_version\": 1, \"kind\": \"gclab-bench\", \"rows\": []}", "not a gclab run, compare or sweep result: its 'kind' is \"gclab-bench\" (a 'gclab bench --json' file)"},
            {"other.json", "{\"name\": \"x\"}", "not a gclab run, compare or sweep result: it has none of the keys"},
            {"array.json", "[1, 2]", "expected a JSON object, found array"},
            {"broken.json", "{\"collector\": ", "malformed JSON at line 1"},
            {"typed.json", null, "key pauses.p50_ns: Cannot deserialize value of type `long`"},
            {"missing.json", null, "no such file"},
        };
        for (String[] c : cases) {
            Path f = dir.resolve(c[0]);
            if (c[0].equals("typed.json")) Files.writeString(f, Files.readString(good).replaceFirst("\"p50_ns\" : \\d+", "\"p50_ns\" : \"slow\""));
            else if (c[1] != null) Files.writeString(f, c[1]);
            CliResult r = CliResult.run("report", good.toString(), f.toString(), "-o", html.toString());
            assertEquals(1, r.code(), r::toString);
            assertTrue(r.err().startsWith("gclab: " + f + ": ") && r.err().contains(c[2]), c[0] + ":\n" + r);
            assertFalse(Files.exists(html), "nothing written");
        }
        CliResult r = CliResult.run("report", good.toString(), "-o", html.toString(), "--baseline", "nope");
        assertEquals(2, r.code(), r::toString);
        assertTrue(r.err().contains("'nope' is none of the collectors in the inputs: " + names().get(0)), r::toString);
    }
}
