package dev.triage.cli;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import picocli.CommandLine;

/** Runtime failures end with exit code 1 and one line naming the cause; the stack trace goes to the debug log. */
final class OneLineFailureHandler implements CommandLine.IExecutionExceptionHandler {
    private static final Logger log = LoggerFactory.getLogger(OneLineFailureHandler.class);

    @Override
    public int handleExecutionException(Exception ex, CommandLine cmd, CommandLine.ParseResult parseResult) {
        log.debug("command failed", ex);
        Throwable root = ex;
        while (root.getCause() != null && root.getCause() != root) {
            root = root.getCause();
        }
        String msg = ex.getMessage() == null ? ex.getClass().getSimpleName() : ex.getMessage();
        if (root != ex && root.getMessage() != null && !msg.contains(root.getMessage())) {
            msg = msg + ": " + root.getMessage();
        }
        cmd.getErr().println("triage: " + msg);
        return 1;
    }
}
