package dev.triage.interop;

import java.io.File;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/** Runs an external command with a time limit, capturing its stdout and stderr. */
final class ExternalProcess {

    /** What a finished command left behind. */
    record Result(List<String> command, int exitCode, byte[] stdout, String stderr) {
        String stdoutText() {
            return new String(stdout, StandardCharsets.UTF_8);
        }

        /** The command, its exit code and its stderr, for assertion messages. */
        String describe() {
            return String.join(" ", command) + "\nexited " + exitCode + ", stderr:\n" + stderr;
        }
    }

    private ExternalProcess() {}

    /**
     * Runs {@code command} and waits for it; kills it (and fails) after {@code timeout}. Output goes through temp
     * files so that neither stream can block the child.
     */
    static Result run(List<String> command, Duration timeout) throws IOException, InterruptedException {
        Path out = Files.createTempFile("interop-", ".out");
        Path err = Files.createTempFile("interop-", ".err");
        try {
            Process process = new ProcessBuilder(command)
                    .redirectInput(ProcessBuilder.Redirect.from(new File("/dev/null")))
                    .redirectOutput(out.toFile())
                    .redirectError(err.toFile())
                    .start();
            if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
                process.destroyForcibly();
                process.waitFor(10, TimeUnit.SECONDS);
                throw new AssertionError("killed after " + timeout.toSeconds() + " s: " + String.join(" ", command)
                        + "\nstderr:\n" + Files.readString(err, StandardCharsets.UTF_8));
            }
            return new Result(List.copyOf(command), process.exitValue(), Files.readAllBytes(out),
                    Files.readString(err, StandardCharsets.UTF_8));
        } finally {
            Files.deleteIfExists(out);
            Files.deleteIfExists(err);
        }
    }
}
