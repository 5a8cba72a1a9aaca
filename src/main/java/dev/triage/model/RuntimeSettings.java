package dev.triage.model;

import ai.djl.Device;
import ai.djl.engine.Engine;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * How the model runs: the device ({@code auto} = first GPU when the engine sees one, else CPU; {@code cpu};
 * {@code gpu:N}) and libtorch's intra-op / inter-op thread counts (0 = libtorch's default). The thread counts are
 * process-wide and fixed when the PyTorch engine starts, see {@link Djl#init(RuntimeSettings)}.
 */
public record RuntimeSettings(String device, int intraOpThreads, int interOpThreads) {

    private static final Pattern GPU = Pattern.compile("gpu:(\\d+)");

    /** Validates the device string and thread counts. */
    public RuntimeSettings {
        if (device == null) {
            throw new IllegalArgumentException("device must be auto, cpu or gpu:N");
        }
        device = device.trim().toLowerCase(Locale.ROOT);
        if (!device.equals("auto") && !device.equals("cpu") && !GPU.matcher(device).matches()) {
            throw new IllegalArgumentException("device must be auto, cpu or gpu:N, got '" + device + "'");
        }
        if (intraOpThreads < 0 || interOpThreads < 0) {
            throw new IllegalArgumentException("thread counts must be >= 0 (0 = libtorch default)");
        }
    }

    /** Auto device, one intra-op and one inter-op thread per predictor: parallelism comes from stream threads. */
    public static RuntimeSettings defaults() {
        return new RuntimeSettings("auto", 1, 1);
    }

    /** CPU with the given intra-op thread count. */
    public static RuntimeSettings cpu(int intraOpThreads) {
        return new RuntimeSettings("cpu", intraOpThreads, 1);
    }

    /** The DJL device this names on {@code engine}; {@code gpu:N} must exist. */
    public Device resolveDevice(Engine engine) {
        int gpus = engine.getGpuCount();
        if (device.equals("auto")) {
            return gpus > 0 ? Device.gpu(0) : Device.cpu();
        }
        if (device.equals("cpu")) {
            return Device.cpu();
        }
        Matcher m = GPU.matcher(device);
        if (!m.matches()) {
            throw new IllegalStateException("unreachable: validated in the constructor");
        }
        int id = Integer.parseInt(m.group(1));
        if (id >= gpus) {
            throw new IllegalArgumentException("device " + device + " requested but the engine sees " + gpus + " GPU(s)");
        }
        return Device.gpu(id);
    }
}
