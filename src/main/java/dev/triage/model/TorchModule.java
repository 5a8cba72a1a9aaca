package dev.triage.model;

import ai.djl.Device;
import ai.djl.MalformedModelException;
import ai.djl.Model;
import ai.djl.inference.Predictor;
import ai.djl.ndarray.NDList;
import ai.djl.ndarray.NDManager;
import ai.djl.ndarray.types.DataType;
import ai.djl.ndarray.types.Shape;
import ai.djl.translate.TranslateException;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.function.UnaryOperator;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * One TorchScript module of a bundle, loaded with DJL's PyTorch engine. Knows the per-row shape and type of each
 * input, so it can build zero inputs (validation, warm-up). Use a {@link BatchedModule} to run it. Its inputs are its
 * forward arguments, unless it derives more from them (a text encoder's attention mask, {@link TextEncoderInputs}):
 * that happens in its predictors' translator, so every caller feeds the module the same way.
 */
public final class TorchModule implements AutoCloseable {

    /**
     * One forward argument: its name (for messages), element type, the shape of one row (without the batch
     * dimension) and, for an INT64 argument of table indices (token ids), the exclusive upper bound of its values
     * ({@code 0}: values are not checked).
     */
    public record Input(String name, DataType type, Shape rowShape, long idLimit) {

        /** A FLOAT32 argument. */
        public static Input floats(String name, Shape rowShape) {
            return new Input(name, DataType.FLOAT32, rowShape, 0);
        }

        /** An INT64 argument of ids in {@code [0, idLimit)}. */
        public static Input ids(String name, Shape rowShape, long idLimit) {
            return new Input(name, DataType.INT64, rowShape, idLimit);
        }
    }

    /** The error line that ends a TorchScript traceback, e.g. {@code RuntimeError: …}. */
    private static final Pattern ERROR_LINE = Pattern.compile("^[A-Za-z_.]*(Error|Exception)\\b(?! raised from).*");
    private static final Pattern FRAME_LINE = Pattern.compile("^\\s*File \"([^\"]*)\", line (\\d+), in (\\S+).*");

    private final String name;
    private final Path file;
    private final Model model;
    private final List<Input> inputs;
    private final UnaryOperator<NDList> forwardArguments;

    private TorchModule(String name, Path file, Model model, List<Input> inputs,
                        UnaryOperator<NDList> forwardArguments) {
        this.name = name;
        this.file = file;
        this.model = model;
        this.inputs = List.copyOf(inputs);
        this.forwardArguments = forwardArguments;
    }

    /** Loads {@code file} onto {@code device}; an unreadable file is a {@link ModelBundleException} naming it. */
    static TorchModule load(String name, Path file, Device device, List<Input> inputs) {
        return load(name, file, device, inputs, UnaryOperator.identity());
    }

    /** As above, for a module whose forward arguments {@code forwardArguments} makes from its inputs. */
    static TorchModule load(String name, Path file, Device device, List<Input> inputs,
                            UnaryOperator<NDList> forwardArguments) {
        Model model = Model.newInstance(name, device, "PyTorch");
        try {
            // mapLocation: tensors saved on another device are mapped to this model's device.
            model.load(file, null, Map.of("mapLocation", "true"));
            return new TorchModule(name, file, model, inputs, forwardArguments);
        } catch (IOException | MalformedModelException | RuntimeException e) {
            model.close();
            throw new ModelBundleException(file, "unreadable TorchScript: " + rootMessage(e), e);
        }
    }

    /** The module's name (text_encoder, image_encoder, audio_encoder, fusion_head). */
    public String name() {
        return name;
    }

    /** The TorchScript file. */
    public Path file() {
        return file;
    }

    /** The device the module runs on. */
    public Device device() {
        return model.getNDManager().getDevice();
    }

    /** Forward arguments, in order. */
    public List<Input> inputs() {
        return inputs;
    }

    /** A new predictor; the caller closes it and uses it from one thread only. */
    Predictor<NDList, float[][]> newPredictor() {
        return model.newPredictor(new MatrixTranslator(forwardArguments));
    }

    /** The model's NDManager, parent of every per-thread manager. */
    NDManager manager() {
        return model.getNDManager();
    }

    /** Zero-filled arguments for a batch of {@code batch} rows. */
    NDList zeros(NDManager manager, int batch) {
        NDList list = new NDList(inputs.size());
        for (Input input : inputs) {
            list.add(manager.zeros(new Shape(batch).addAll(input.rowShape()), input.type()));
        }
        return list;
    }

    /** Runs the module once on {@code arguments} with a throw-away predictor (load-time checks). */
    float[][] runOnce(NDList arguments) throws TranslateException {
        try (Predictor<NDList, float[][]> predictor = newPredictor()) {
            return predictor.predict(arguments);
        }
    }

    @Override
    public void close() {
        model.close();
    }

    @Override
    public String toString() {
        return name + " (" + file + ")";
    }

    /**
     * The innermost cause's message, without libtorch's C++ stack trace. For an error raised inside TorchScript
     * code, whose message starts with the interpreter's traceback, it is the error line that ends the traceback
     * (e.g. {@code RuntimeError: index -1 is out of bounds…}) and where in the module's code it was raised.
     */
    static String rootMessage(Throwable e) {
        Throwable t = e;
        while (t.getCause() != null && t.getCause() != t) {
            t = t.getCause();
        }
        String message = t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
        List<String> lines = message.strip().lines().toList();
        if (lines.get(0).startsWith("The following operation failed in the TorchScript interpreter")) {
            return interpreterError(lines);
        }
        List<String> kept = lines.stream()
                .takeWhile(l -> !l.startsWith("Exception raised from") && !l.startsWith("frame #"))
                .limit(3).toList();
        return String.join(" ", kept.isEmpty() ? lines.subList(0, 1) : kept);
    }

    private static String interpreterError(List<String> lines) {
        String error = null;
        String frame = null;
        String code = null;
        for (int i = 0; i < lines.size(); i++) {
            String line = lines.get(i);
            Matcher m = FRAME_LINE.matcher(line);
            if (m.matches()) {
                frame = m.group(1).substring(m.group(1).lastIndexOf('/') + 1) + " line " + m.group(2) + ", in " + m.group(3);
            } else if (line.contains("<--- HERE") && i > 0) {
                code = lines.get(i - 1).strip();
            } else if (ERROR_LINE.matcher(line).matches()) {
                error = line.strip();
            }
        }
        if (error == null) {
            return String.join(" ", lines.subList(0, Math.min(3, lines.size())));
        }
        return frame == null ? error : error + " (TorchScript " + frame + (code == null ? "" : ": " + code) + ")";
    }
}
