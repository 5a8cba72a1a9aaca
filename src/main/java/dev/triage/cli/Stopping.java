package dev.triage.cli;

import java.io.PrintStream;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.IntConsumer;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How the CLI ends on SIGTERM or Ctrl-C (SIGINT).
 *
 * <p>On a signal the JVM runs its shutdown hooks and then exits with 128 + the signal number (143, 130), whatever
 * {@code main} returns, and a {@code System.exit} from {@code main} blocks for good once the hooks run; a hook that
 * only starts a close races the JVM's exit. So the one hook installed here asks the running command to stop (its
 * {@linkplain #onStop stop action}: close Kafka Streams, wake the demo), waits until the command has closed
 * everything and returned its exit code to {@link #exit}, and then halts the JVM with that code: 0 after a clean
 * stop. If the command has not finished after {@link #GRACE}, the hook halts with 1 and says so.
 *
 * <p>A command that registered no stop action (a short one) is left to the JVM's default.
 */
final class Stopping {
    /** The longest a stop may take: Kafka Streams' close waits up to 30 s, the demo's broker a few more. */
    static final Duration GRACE = Duration.ofSeconds(60);

    private static final Logger log = LoggerFactory.getLogger(Stopping.class);
    private static final Stopping JVM = new Stopping(System::exit, code -> Runtime.getRuntime().halt(code), GRACE,
            System.err);

    private enum Phase { RUNNING, EXITING, STOPPING }

    private final IntConsumer exit;
    private final IntConsumer halt;
    private final Duration grace;
    private final PrintStream err;
    private final CompletableFuture<Integer> exitCode = new CompletableFuture<>();
    private Phase phase = Phase.RUNNING;
    private Runnable onStop;
    private boolean installed;

    Stopping(IntConsumer exit, IntConsumer halt, Duration grace, PrintStream err) {
        this.exit = exit;
        this.halt = halt;
        this.grace = grace;
        this.err = err;
    }

    /** The process's own, whose hook {@link TriageCli#main} installs. */
    static Stopping jvm() {
        return JVM;
    }

    /** Registers the shutdown hook (once). */
    synchronized void install() {
        if (!installed) {
            Runtime.getRuntime().addShutdownHook(new Thread(this::signalled, "triage-stop"));
            installed = true;
        }
    }

    /**
     * What the running command does when asked to stop; it runs on the hook's thread, once, and must only start the
     * stop (the command's own thread closes what it opened and returns). If a stop was already asked for, it runs
     * now, on the caller's thread.
     */
    void onStop(Runnable action) {
        boolean now;
        synchronized (this) {
            onStop = action;
            now = phase == Phase.STOPPING;
        }
        if (now) {
            action.run();
        }
    }

    /** Whether SIGTERM or Ctrl-C has asked the command to stop. */
    synchronized boolean requested() {
        return phase == Phase.STOPPING;
    }

    /**
     * Ends the process with {@code code}: through {@code System.exit} normally; while a stop is under way, by handing
     * the code to the hook, which halts with it (a {@code System.exit} would block).
     */
    void exit(int code) {
        boolean stopping;
        synchronized (this) {
            if (phase == Phase.RUNNING) {
                phase = Phase.EXITING;
            }
            stopping = phase == Phase.STOPPING;
        }
        if (stopping) {
            exitCode.complete(code);
        } else {
            exit.accept(code);
        }
    }

    /** The shutdown hook: SIGTERM, Ctrl-C, or the JVM exiting for another reason. */
    void signalled() {
        Runnable action;
        synchronized (this) {
            if (phase != Phase.RUNNING || onStop == null) {
                return; // the command is exiting by itself, or has nothing to close: the JVM's default
            }
            phase = Phase.STOPPING;
            action = onStop;
        }
        try {
            action.run();
        } catch (RuntimeException e) {
            log.warn("stopping failed", e);
        }
        int code;
        try {
            code = exitCode.get(grace.toMillis(), TimeUnit.MILLISECONDS);
        } catch (TimeoutException e) {
            err.println("triage: did not stop within " + (grace.toMillis() % 1000 == 0 ? grace.toSeconds() + " s"
                    : grace.toMillis() + " ms") + "; exiting without a clean close");
            code = 1;
        } catch (InterruptedException | ExecutionException e) {
            code = 1;
        }
        System.out.flush();
        err.flush();
        halt.accept(code);
    }
}
