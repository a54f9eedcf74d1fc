package dev.gclab.reports.browser;

import com.fasterxml.jackson.databind.JsonNode;
import com.fasterxml.jackson.databind.ObjectMapper;
import com.fasterxml.jackson.databind.node.ObjectNode;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.net.http.WebSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionStage;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Headless Chromium driven over the DevTools protocol with {@link java.net.http.WebSocket}, for tests
 * that load a page in a real browser: no driver, no dependency. Started with its own temporary profile and
 * {@code --remote-debugging-port=0} (it prints the port it took); the page target of its first tab is
 * driven: {@link #navigate} and wait for the load event, {@link #evaluate} an expression, take a
 * screenshot, and {@link #errors} collects every console error, uncaught exception and error log entry
 * since the domains were enabled. {@link #close} ends the browser and the processes it started.
 */
public final class Chromium implements AutoCloseable {
    private static final ObjectMapper JSON = new ObjectMapper();
    private static final long TIMEOUT_S = 60;

    private final Process process;
    private final WebSocket socket;
    private final AtomicInteger ids = new AtomicInteger();
    private final Map<Integer, CompletableFuture<JsonNode>> pending = new ConcurrentHashMap<>();
    private final List<JsonNode> events = Collections.synchronizedList(new ArrayList<>());
    private final List<String> errors = Collections.synchronizedList(new ArrayList<>());
    private volatile CompletableFuture<Void> loaded = new CompletableFuture<>();

    /**
     * The browser binary: system property {@code gclab.chromium}, else {@code /usr/bin/chromium}, else
     * {@code chromium} or {@code chromium-browser} on {@code PATH}; null when there is none.
     */
    public static Path find() {
        String given = System.getProperty("gclab.chromium");
        if (given != null && !given.isBlank()) return Files.isExecutable(Path.of(given)) ? Path.of(given) : null;
        if (Files.isExecutable(Path.of("/usr/bin/chromium"))) return Path.of("/usr/bin/chromium");
        String path = System.getenv("PATH");
        if (path != null) {
            for (String dir : path.split(java.io.File.pathSeparator)) {
                for (String name : List.of("chromium", "chromium-browser")) {
                    Path p = Path.of(dir, name);
                    if (Files.isExecutable(p)) return p;
                }
            }
        }
        return null;
    }

    /** Why the browser tests are skipped when {@link #find()} is null. */
    public static String missing() {
        return "chromium not found (/usr/bin/chromium, chromium on PATH, or -Dgclab.chromium=PATH): the browser test is skipped; "
            + "install it with 'apt-get install -y chromium' (.ci/run does)";
    }

    private Chromium(Process process, WebSocket socket) {
        this.process = process;
        this.socket = socket;
    }

    /** Starts headless Chromium with a fresh profile under {@code dir} and connects to its page. */
    public static Chromium start(Path binary, Path dir) throws Exception {
        Path profile = Files.createDirectories(dir.resolve("chromium-profile"));
        List<String> cmd = List.of(binary.toString(), "--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync", "--disable-extensions",
            "--disable-default-apps", "--mute-audio", "--hide-scrollbars", "--remote-allow-origins=*",
            "--user-data-dir=" + profile, "--remote-debugging-port=0", "--window-size=1200,900", "about:blank");
        Process p = new ProcessBuilder(cmd).redirectOutput(ProcessBuilder.Redirect.DISCARD).start();
        p.getOutputStream().close();
        CompletableFuture<String> endpoint = new CompletableFuture<>();
        List<String> stderr = Collections.synchronizedList(new ArrayList<>());
        Thread reader = new Thread(() -> {
            Pattern ws = Pattern.compile("DevTools listening on (ws://\\S+)");
            try (BufferedReader r = new BufferedReader(new InputStreamReader(p.getErrorStream(), StandardCharsets.UTF_8))) {
                for (String line; (line = r.readLine()) != null; ) {
                    if (stderr.size() < 200) stderr.add(line);
                    Matcher m = ws.matcher(line);
                    if (m.find()) endpoint.complete(m.group(1));
                }
            } catch (IOException ignored) {
                // the browser ended
            }
            endpoint.completeExceptionally(new IllegalStateException("chromium exited before it listened; it said:\n" + String.join("\n", stderr)));
        }, "chromium-stderr");
        reader.setDaemon(true);
        reader.start();
        try {
            URI browser = URI.create(endpoint.get(TIMEOUT_S, TimeUnit.SECONDS));
            HttpClient http = HttpClient.newHttpClient();
            URI list = URI.create("http://" + browser.getHost() + ":" + browser.getPort() + "/json/list");
            JsonNode targets = JSON.readTree(http.send(HttpRequest.newBuilder(list).build(), HttpResponse.BodyHandlers.ofString()).body());
            String pageUrl = null;
            for (JsonNode t : targets) if (t.path("type").asText().equals("page")) { pageUrl = t.path("webSocketDebuggerUrl").asText(); break; }
            if (pageUrl == null) throw new IllegalStateException("chromium has no page target: " + targets);
            Chromium[] self = new Chromium[1];
            Listener listener = new Listener(self);
            WebSocket ws = http.newWebSocketBuilder().buildAsync(URI.create(pageUrl), listener).get(TIMEOUT_S, TimeUnit.SECONDS);
            Chromium c = new Chromium(p, ws);
            self[0] = c;
            c.call("Runtime.enable", null);
            c.call("Log.enable", null);
            c.call("Page.enable", null);
            return c;
        } catch (Exception e) {
            p.descendants().forEach(ProcessHandle::destroy);
            p.destroy();
            throw e;
        }
    }

    /** Sends a command and waits for its result (a protocol error is an exception). */
    public JsonNode call(String method, ObjectNode params) throws Exception {
        int id = ids.incrementAndGet();
        ObjectNode msg = JSON.createObjectNode();
        msg.put("id", id);
        msg.put("method", method);
        if (params != null) msg.set("params", params);
        CompletableFuture<JsonNode> f = new CompletableFuture<>();
        pending.put(id, f);
        socket.sendText(JSON.writeValueAsString(msg), true).get(TIMEOUT_S, TimeUnit.SECONDS);
        JsonNode reply = f.get(TIMEOUT_S, TimeUnit.SECONDS);
        if (reply.has("error")) throw new IllegalStateException(method + ": " + reply.get("error"));
        return reply.path("result");
    }

    public static ObjectNode params() { return JSON.createObjectNode(); }

    /** Loads {@code url} and waits for its load event. */
    public void navigate(String url) throws Exception {
        loaded = new CompletableFuture<>();
        call("Page.navigate", params().put("url", url));
        loaded.get(TIMEOUT_S, TimeUnit.SECONDS);
    }

    /** The value of a JavaScript expression (returned by value: JSON-able results only). */
    public JsonNode evaluate(String expression) throws Exception {
        JsonNode r = call("Runtime.evaluate", params().put("expression", expression).put("returnByValue", true));
        if (r.has("exceptionDetails")) throw new IllegalStateException("evaluation failed: " + r.get("exceptionDetails"));
        return r.path("result").path("value");
    }

    /** A PNG of the viewport, {@code width} × {@code height} CSS pixels. */
    public byte[] screenshot(int width, int height) throws Exception {
        call("Emulation.setDeviceMetricsOverride", params().put("width", width).put("height", height).put("deviceScaleFactor", 1).put("mobile", false));
        JsonNode r = call("Page.captureScreenshot", params().put("format", "png"));
        return java.util.Base64.getDecoder().decode(r.path("data").asText());
    }

    /** Console errors, uncaught exceptions and error log entries seen so far, one line each. */
    public List<String> errors() { return List.copyOf(errors); }

    private void onMessage(JsonNode m) {
        if (m.has("id")) {
            CompletableFuture<JsonNode> f = pending.remove(m.get("id").asInt());
            if (f != null) f.complete(m);
            return;
        }
        events.add(m);
        String method = m.path("method").asText();
        JsonNode p = m.path("params");
        switch (method) {
            case "Page.loadEventFired" -> loaded.complete(null);
            case "Runtime.exceptionThrown" -> errors.add("exception: " + p.path("exceptionDetails"));
            case "Runtime.consoleAPICalled" -> {
                if (p.path("type").asText().equals("error") || p.path("type").asText().equals("assert")) errors.add("console." + p.path("type").asText() + ": " + p.path("args"));
            }
            case "Log.entryAdded" -> {
                if (p.path("entry").path("level").asText().equals("error")) errors.add("log: " + p.path("entry"));
            }
            default -> { }
        }
    }

    /** Collects a message's fragments and hands each whole message to its browser. */
    private static final class Listener implements WebSocket.Listener {
        private final Chromium[] owner;
        private final StringBuilder text = new StringBuilder();
        private final List<JsonNode> early = new ArrayList<>();

        Listener(Chromium[] owner) { this.owner = owner; }

        @Override
        public CompletionStage<?> onText(WebSocket ws, CharSequence data, boolean last) {
            text.append(data);
            if (last) {
                try {
                    JsonNode m = JSON.readTree(text.toString());
                    if (owner[0] == null) early.add(m);
                    else {
                        for (JsonNode e : early) owner[0].onMessage(e);
                        early.clear();
                        owner[0].onMessage(m);
                    }
                } catch (IOException e) {
                    throw new java.io.UncheckedIOException(e);
                }
                text.setLength(0);
            }
            ws.request(1);
            return null;
        }
    }

    @Override
    public void close() throws Exception {
        try {
            socket.sendClose(WebSocket.NORMAL_CLOSURE, "").get(5, TimeUnit.SECONDS);
        } catch (Exception ignored) {
            // the browser is ended below either way
        }
        List<ProcessHandle> children = process.descendants().toList();
        process.destroy();
        if (!process.waitFor(10, TimeUnit.SECONDS)) process.destroyForcibly().waitFor(10, TimeUnit.SECONDS);
        for (ProcessHandle h : children) if (h.isAlive()) h.destroyForcibly();
    }
}
