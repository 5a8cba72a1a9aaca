package dev.triage.model;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/** Debian's {@code /usr/bin/python3} (with python3-torch), for tests that export bundles. */
final class DebianPython {

    static final String PATH = "/usr/bin/python3";

    /** Exit code and combined stdout and stderr of one run. */
    record Result(int exitCode, String output) {}

    private DebianPython() {}

    /** Whether it can import torch (and torchvision, torchaudio: the example and the full variant use them). */
    static boolean hasTorch() {
        try {
            return run(2, "-c", "import torch, torchvision, torchaudio").exitCode() == 0;
        } catch (IOException e) {
            return false;
        }
    }

    /** Runs it with {@code args} from the project root; fails the test after {@code minutes}. */
    static Result run(int minutes, String... args) throws IOException {
        Process p = new ProcessBuilder(Stream.concat(Stream.of(PATH), Stream.of(args)).toList())
                .redirectErrorStream(true).start();
        String output = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        try {
            if (!p.waitFor(minutes, TimeUnit.MINUTES)) {
                p.destroyForcibly();
                throw new AssertionError(List.of(args) + " did not finish within " + minutes + " min:\n" + output);
            }
        } catch (InterruptedException e) {
            Thread.currentThread().interrupt();
            throw new AssertionError("interrupted", e);
        }
        return new Result(p.exitValue(), output);
    }
}
