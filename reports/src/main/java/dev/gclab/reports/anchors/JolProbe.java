package dev.gclab.reports.anchors;

import com.fasterxml.jackson.databind.node.JsonNodeFactory;
import com.fasterxml.jackson.databind.node.ObjectNode;
import org.openjdk.jol.info.ClassLayout;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * HotSpot's side of the layout table: object sizes as laid out by the JVM, measured with JOL in a
 * child JVM so that the parent can choose its flags (default, {@code -XX:+UseCompactObjectHeaders}).
 *
 * <p>Design. {@link #main} runs in the child: it prints one {@code "vm"} JSON line (Java version,
 * whether compact headers and compressed oops are on, read back from the VM itself) and one
 * {@code "size"} line per object token ({@code node2}, {@code gcnode}, {@code Object[]:N},
 * {@code double[]:N}, {@code byte[]:N}) with JOL's {@code instanceSize}. {@link #run} starts it with
 * the running classpath and parses the lines with {@link SizeJson}; anything that goes wrong becomes
 * a skip with the reason (e.g. a JVM that refuses a flag). JOL is told not to attach an agent or the
 * Serviceability Agent ({@code -Djol.skipDynamicAttach}, {@code -Djol.skipHotspotSAAttach}): sizes
 * need neither (only exact addresses do), and trying them costs about 2 s; its {@code # WARNING}
 * notes on stdout are not JSON and are ignored.
 */
public final class JolProbe {
    /** The equivalent of gclab's {@code "rr"} node. */
    static final class Node2 { Object a; Object b; }

    /** GCBench's node: {@code Node left, right; int i, j}. */
    static final class GcNode { GcNode left; GcNode right; int i; int j; }

    /** Either the parsed output or why the probe did not run. */
    public record Outcome(SizeJson.Output output, String skipped) {
        static Outcome skip(String why) { return new Outcome(null, why); }
        public boolean ran() { return output != null; }
        /** This outcome, or a skip when the child's "vm" line does not show {@code key} = {@code value} (a flag the JVM ignored). */
        public Outcome requiring(String key, String value) {
            if (!ran()) return this;
            String got = output.info().path(key).asText("(absent)");
            return got.equals(value) ? this : skip("the child JVM reports " + key + " = " + got + ", not " + value);
        }

        /** JOL's instance size of {@code object}. */
        public long bytes(String object) { return output.size(object).path("bytes").asLong(); }
    }

    private JolProbe() {}

    /** The child: prints the "vm" line and a "size" line per argument. */
    public static void main(String[] args) {
        ObjectNode vm = JsonNodeFactory.instance.objectNode().put("kind", "vm").put("java_version", Runtime.version().toString());
        vm.put("compact_headers", vmFlag("UseCompactObjectHeaders"));
        vm.put("compressed_oops", vmFlag("UseCompressedOops"));
        System.out.println(vm);
        for (String token : args) {
            long bytes = ClassLayout.parseInstance(instance(token)).instanceSize();
            System.out.println(JsonNodeFactory.instance.objectNode().put("kind", "size").put("object", token).put("bytes", bytes));
        }
    }

    /** An object for {@code token}: {@code node2}, {@code gcnode} or {@code TYPE[]:LENGTH}. */
    static Object instance(String token) {
        int colon = token.indexOf(':');
        String type = colon < 0 ? token : token.substring(0, colon);
        int n = colon < 0 ? -1 : Integer.parseInt(token.substring(colon + 1));
        return switch (type) {
            case "node2" -> new Node2();
            case "gcnode" -> new GcNode();
            case "Object[]" -> new Object[n];
            case "double[]" -> new double[n];
            case "byte[]" -> new byte[n];
            default -> throw new IllegalArgumentException("JolProbe: unknown object '" + token + "' (node2, gcnode, Object[]:N, double[]:N, byte[]:N)");
        };
    }

    private static String vmFlag(String name) {
        try {
            return ManagementFactory.getPlatformMXBean(com.sun.management.HotSpotDiagnosticMXBean.class).getVMOption(name).getValue();
        } catch (RuntimeException e) {
            return null; // not a HotSpot flag on this JVM
        }
    }

    /**
     * Runs the probe in a child JVM of {@code javaHome} with {@code flags}; never throws.
     *
     * @param classpath where this class and JOL are (the running process's {@code java.class.path})
     */
    public static Outcome run(Path javaHome, String classpath, List<String> flags, List<String> objects) {
        List<String> cmd = new ArrayList<>();
        cmd.add(javaHome.resolve("bin").resolve("java").toString());
        cmd.addAll(flags);
        cmd.add("-Djol.skipDynamicAttach=true");
        cmd.add("-Djol.skipHotspotSAAttach=true"); // the Serviceability Agent only makes addresses exact; trying it costs 2 s
        if (Runtime.version().feature() >= 23) cmd.add("--sun-misc-unsafe-memory-access=allow"); // JOL reads offsets with Unsafe
        cmd.addAll(List.of("-Xshare:auto", "-XX:TieredStopAtLevel=1", "-cp", classpath, JolProbe.class.getName()));
        cmd.addAll(objects);
        Processes.Result r;
        try {
            r = Processes.run(cmd);
        } catch (IOException e) {
            return Outcome.skip("cannot start " + cmd.getFirst() + " (" + e.getMessage() + ")");
        }
        if (r.exitCode() != 0) return Outcome.skip("child JVM " + flags + " exited with " + r.exitCode() + ": " + firstLine(r.stderr()));
        try {
            return new Outcome(SizeJson.parse(r.stdout(), "JolProbe " + flags, "vm", objects, List.of("bytes")), null);
        } catch (IllegalArgumentException e) {
            return Outcome.skip(e.getMessage());
        }
    }

    static String firstLine(String s) {
        for (String line : s.strip().split("\\R")) if (!line.isBlank() && !line.startsWith("WARNING")) return line.strip();
        return s.strip().isEmpty() ? "(no output)" : s.strip().split("\\R")[0];
    }
}
