package dev.gclab.reports.export;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;

import java.math.BigDecimal;
import java.util.ArrayDeque;
import java.util.Deque;
import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;

/**
 * A checker of the Chrome/Perfetto trace-event format ("Trace Event Format", the JSON object form) as
 * far as gclab's files use it: the object holds a {@code traceEvents} array; every event has a string
 * {@code name} and {@code ph} and an integer {@code pid}; complete events ({@code X}) have numeric
 * {@code ts} and {@code dur} ≥ 0 and an integer {@code tid}; counters ({@code C}) a {@code ts} and
 * numeric {@code args}; metadata ({@code M}) an {@code args.name} or {@code args.sort_index}. Timestamps
 * never go back in file order; the slices of one thread nest (each starts after the enclosing one and
 * ends within it, or after it ended); every process that has events is named. Throws
 * {@link AssertionError} naming the event and what is wrong.
 */
public final class TraceEventsFormat {
    /** What a file holds. */
    public record Summary(int slices, int counters, int processes, Set<String> sliceNames, Set<String> counterNames) {}

    private TraceEventsFormat() {}

    public static Summary check(String json) throws Exception {
        JsonNode root = new ObjectMapper().readTree(json);
        if (!root.isObject() || !root.path("traceEvents").isArray()) throw new AssertionError("not an object with a traceEvents array");
        BigDecimal last = null;
        Map<String, Deque<BigDecimal[]>> open = new HashMap<>();
        Set<Integer> named = new HashSet<>(), used = new HashSet<>();
        Set<String> sliceNames = new HashSet<>(), counterNames = new HashSet<>();
        int slices = 0, counters = 0, i = 0;
        for (JsonNode e : root.get("traceEvents")) {
            String at = "traceEvents[" + i++ + "] " + e;
            if (!e.path("name").isTextual() || !e.path("ph").isTextual() || !e.path("pid").canConvertToInt()) throw new AssertionError(at + ": name, ph, pid");
            int pid = e.get("pid").asInt();
            String ph = e.get("ph").asText();
            switch (ph) {
                case "M" -> {
                    JsonNode args = e.path("args");
                    if (!args.path("name").isTextual() && !args.path("sort_index").isNumber()) throw new AssertionError(at + ": metadata without args");
                    if (e.get("name").asText().equals("process_name")) named.add(pid);
                    continue;
                }
                case "X" -> {
                    if (!e.path("ts").isNumber() || !e.path("dur").isNumber() || !e.path("tid").canConvertToInt()) throw new AssertionError(at + ": ts, dur, tid");
                    if (e.get("dur").decimalValue().signum() < 0) throw new AssertionError(at + ": negative duration");
                    BigDecimal start = e.get("ts").decimalValue(), end = start.add(e.get("dur").decimalValue());
                    Deque<BigDecimal[]> stack = open.computeIfAbsent(pid + "/" + e.get("tid").asInt(), k -> new ArrayDeque<>());
                    while (!stack.isEmpty() && stack.peek()[1].compareTo(start) <= 0) stack.pop();
                    if (!stack.isEmpty() && end.compareTo(stack.peek()[1]) > 0) throw new AssertionError(at + ": overlaps its enclosing slice, which ends at " + stack.peek()[1]);
                    stack.push(new BigDecimal[] {start, end});
                    slices++;
                    sliceNames.add(e.get("name").asText());
                }
                case "C" -> {
                    if (!e.path("ts").isNumber() || !e.path("args").isObject() || e.get("args").isEmpty()) throw new AssertionError(at + ": ts, args");
                    e.get("args").forEach(v -> { if (!v.isNumber()) throw new AssertionError(at + ": a counter's values are numbers"); });
                    counters++;
                    counterNames.add(e.get("name").asText());
                }
                default -> throw new AssertionError(at + ": phase " + ph + " is not one gclab writes");
            }
            BigDecimal ts = e.get("ts").decimalValue();
            if (last != null && ts.compareTo(last) < 0) throw new AssertionError(at + ": timestamp " + ts + " before the previous " + last);
            last = ts;
            used.add(pid);
        }
        used.removeAll(named);
        if (!used.isEmpty()) throw new AssertionError("processes without a process_name: " + used);
        return new Summary(slices, counters, named.size(), sliceNames, counterNames);
    }
}
