package dev.gclab.reports.anchors;

import dev.gclab.reports.cli.GclabCli;
import org.junit.jupiter.api.Test;

import java.io.PrintWriter;
import java.io.StringWriter;

import static org.junit.jupiter.api.Assertions.*;

class AnchorsCommandTest {
    @Test
    void registeredWithHelp() {
        var cl = GclabCli.commandLine();
        StringWriter out = new StringWriter();
        cl.setOut(new PrintWriter(out));
        assertEquals(0, cl.execute("anchors", "--help"));
        String help = out.toString();
        for (String opt : new String[] {"--quick", "--out", "--python", "--skip"}) assertTrue(help.contains(opt), help);
        assertTrue(help.contains("layouts"), help);
    }

    @Test
    void anUnreadableBenchFileIsAUsageErrorBeforeAnyMeasurement() {
        var cl = GclabCli.commandLine();
        StringWriter out = new StringWriter(), err = new StringWriter();
        cl.setOut(new PrintWriter(out));
        cl.setErr(new PrintWriter(err));
        assertEquals(2, cl.execute("anchors", "--quick", "--bench-json", "/nonexistent/bench.json"));
        assertTrue(err.toString().contains("--bench-json /nonexistent/bench.json: no such readable file"), err.toString());
        assertEquals("", out.toString(), "nothing measured");
    }

    @Test
    void cpuModelIsNeverEmpty() {
        assertFalse(AnchorsCommand.cpuModel().isBlank());
    }
}
