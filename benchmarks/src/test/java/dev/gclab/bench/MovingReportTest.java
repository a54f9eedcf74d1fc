package dev.gclab.bench;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** The moving report's generator at tiny sizes (no JMH): every section and the chart-ready CSV are written. */
class MovingReportTest {
    @Test
    void writesEverySectionAndTheCsv(@TempDir Path dir) throws Exception {
        MovingReport.main(new String[] {"--smoke", "--skip", "jmh", "--out", dir.toString()});
        String md = Files.readString(dir.resolve("moving.md"));
        for (String section : new String[] {"## 2. The same C-API program", "## 3. What pins cost", "## 4. How fast compact compacts",
            "## 5. Fragmentation after 90 %", "span by span", "MovingReport --smoke"}) {
            assertTrue(md.contains(section), section + " missing from\n" + md);
        }
        List<String> csv = Files.readAllLines(dir.resolve("moving.csv"));
        assertEquals(1 + 2 * 4 * 3, csv.size(), String.join("\n", csv));
        assertTrue(csv.get(0).startsWith("workload,size,pinned_fraction,collector,"));
        String json = Files.readString(dir.resolve("moving.json"));
        assertTrue(json.contains("\"pins\": [") && json.contains("\"fragmentation\": [") && json.contains("\"load_average_before\""), json);
    }
}
