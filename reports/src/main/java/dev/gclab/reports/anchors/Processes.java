package dev.gclab.reports.anchors;

import java.io.IOException;
import java.io.InputStream;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CompletableFuture;

/** Runs a child process to completion, capturing stdout and stderr. */
final class Processes {
    record Result(int exitCode, String stdout, String stderr) {}

    private Processes() {}

    /** @throws IOException when the program cannot be started (e.g. not on PATH) */
    static Result run(List<String> command) throws IOException {
        Process p = new ProcessBuilder(command).start();
        p.getOutputStream().close();
        CompletableFuture<String> err = CompletableFuture.supplyAsync(() -> read(p.getErrorStream()));
        String out = read(p.getInputStream());
        try {
            int code = p.waitFor();
            return new Result(code, out, err.join());
        } catch (InterruptedException e) {
            p.destroyForcibly();
            Thread.currentThread().interrupt();
            throw new IOException("interrupted", e);
        }
    }

    private static String read(InputStream in) {
        try (in) {
            return new String(in.readAllBytes(), StandardCharsets.UTF_8);
        } catch (IOException e) {
            return "";
        }
    }
}
