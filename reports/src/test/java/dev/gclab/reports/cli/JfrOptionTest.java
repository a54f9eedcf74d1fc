package dev.gclab.reports.cli;

import dev.gclab.gc.spi.CollectorRegistry;
import dev.gclab.reports.json.ResultJson;
import dev.gclab.reports.runner.RunResult;
import jdk.jfr.consumer.RecordedEvent;
import jdk.jfr.consumer.RecordingFile;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import java.nio.file.Path;
import java.util.List;

import static org.junit.jupiter.api.Assertions.assertEquals;
import static org.junit.jupiter.api.Assertions.assertTrue;

/** {@code run --jfr}: a recording with the JVM's own events and one gclab pause event per pause, with its phases. */
class JfrOptionTest {
    @Test
    void theRecordingHasAPauseEventPerPauseBesideTheJvmsEvents(@TempDir Path dir) throws Exception {
        String collector = CollectorRegistry.all().getFirst().name();
        Path jfr = dir.resolve("r.jfr"), json = dir.resolve("r.json");
        CliResult r = CliResult.run("run", "-c", collector, "-w", "testchurn", "--seed", "2", "--heap", "4m", "-q", "--json", json.toString(), "--jfr", jfr.toString());
        assertEquals(0, r.code(), r::toString);
        assertTrue(r.out().contains("JFR recording written to " + jfr), r::toString);
        RunResult result = ResultJson.read(json);
        List<RecordedEvent> events = RecordingFile.readAllEvents(jfr);
        List<RecordedEvent> pauses = events.stream().filter(e -> e.getEventType().getName().equals("dev.gclab.GcPause")).toList();
        assertEquals(result.pauses().count(), pauses.size());
        assertEquals(result.timeline().durationNs().getFirst(), pauses.getFirst().getDuration("pauseDuration").toNanos());
        assertEquals(result.timeline().phase().size(), events.stream().filter(e -> e.getEventType().getName().equals("dev.gclab.GcPhase")).count());
        assertTrue(events.stream().anyMatch(e -> e.getEventType().getName().startsWith("jdk.")), "the JVM's own events beside gclab's");
    }
}
