package dev.triage.encode;

import dev.triage.avro.Modality;
import dev.triage.model.ImageContract;
import java.awt.color.ColorSpace;
import java.awt.image.BufferedImage;
import java.awt.image.ColorModel;
import java.awt.image.ComponentColorModel;
import java.awt.image.DataBuffer;
import java.awt.image.IndexColorModel;
import java.awt.image.Raster;
import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.util.Iterator;
import java.util.List;
import java.util.Locale;
import javax.imageio.ImageIO;
import javax.imageio.ImageReader;
import javax.imageio.stream.ImageInputStream;
import javax.imageio.stream.MemoryCacheImageInputStream;

/**
 * Turns encoded PNG or JPEG bytes into the image encoder's input: float32 CHW, {@code size x size}, each value
 * {@code (v - mean[c]) / std[c]} with {@code v} in [0, 1] (that is {@code v8/255} for 8-bit samples).
 *
 * <ul>
 *   <li>The format is sniffed from the magic bytes; anything but PNG or JPEG is refused.</li>
 *   <li>Byte size is checked first, then the pixel count from the header (before any pixel is decoded), so a
 *       decompression bomb is refused without allocating its pixels.</li>
 *   <li>Greyscale becomes R = G = B; palette colours come from the palette; 16-bit samples are scaled by
 *       1/65535; embedded colour profiles and gamma are ignored (samples are taken as sRGB).</li>
 *   <li>Alpha is composited over white: {@code v = a*c + (1 - a)}.</li>
 *   <li>Resizing is separable, done in double precision, straight to {@code size x size} (aspect ratio not
 *       kept). Along an axis that shrinks, area averaging: output pixel {@code o} averages the source interval
 *       {@code [o*src/dst, (o+1)*src/dst)}, partly covered pixels weighted by their coverage (like OpenCV's
 *       INTER_AREA). Along an axis that keeps its size or grows, bilinear interpolation at source position
 *       {@code (o+0.5)*src/dst - 0.5}, clamped to the edges. Deterministic.</li>
 * </ul>
 * Thread-safe: every call uses its own decoder.
 */
public final class ImagePreprocessor {

    private static final byte[] PNG_MAGIC = {(byte) 0x89, 'P', 'N', 'G', 0x0D, 0x0A, 0x1A, 0x0A};

    private final int size;
    private final double[] mean = new double[3];
    private final double[] std = new double[3];
    /** Output plane of each RGB component: identity for RGB, reversed for BGR. */
    private final int[] plane;
    private final DecodeLimits limits;

    public ImagePreprocessor(ImageContract contract, DecodeLimits limits) {
        if (contract.size() < 1) {
            throw new IllegalArgumentException("image size must be positive, got " + contract.size());
        }
        String order = contract.channelOrder() == null ? "" : contract.channelOrder().toUpperCase(Locale.ROOT);
        plane = switch (order) {
            case "RGB" -> new int[] {0, 1, 2};
            case "BGR" -> new int[] {2, 1, 0};
            default -> throw new IllegalArgumentException(
                    "channelOrder must be RGB or BGR, got " + contract.channelOrder());
        };
        copyTriple("mean", contract.mean(), mean);
        copyTriple("std", contract.std(), std);
        for (double s : std) {
            if (!(s > 0)) {
                throw new IllegalArgumentException("std values must be positive, got " + contract.std());
            }
        }
        this.size = contract.size();
        this.limits = limits;
    }

    /** Output length: {@code 3 * size * size}. */
    public int outputLength() {
        return 3 * size * size;
    }

    /** Decodes, composites, resizes and normalizes {@code encoded}; see the class comment. */
    public float[] preprocess(byte[] encoded) throws DecodeException {
        if (encoded == null || encoded.length == 0) {
            throw error(DecodeException.Reason.EMPTY, "image is empty (0 bytes)");
        }
        if (encoded.length > limits.maxImageBytes()) {
            throw error(DecodeException.Reason.TOO_LARGE, encoded.length + " bytes exceeds "
                    + DecodeLimits.IMAGE_MAX_BYTES + "=" + limits.maxImageBytes());
        }
        String format = sniff(encoded);
        try {
            return decodeAndResize(encoded, format);
        } catch (DecodeException e) {
            throw e;
        } catch (IOException | RuntimeException e) {
            String msg = String.valueOf(e.getMessage());
            DecodeException.Reason reason = msg.contains("Unsupported Image Type")
                    ? DecodeException.Reason.UNSUPPORTED_FORMAT : DecodeException.Reason.CORRUPT;
            throw error(reason, "cannot decode " + format + " (" + encoded.length + " bytes): "
                    + e.getClass().getSimpleName() + ": " + msg, e);
        }
    }

    private float[] decodeAndResize(byte[] encoded, String format) throws IOException, DecodeException {
        ImageReader reader = readerFor(format);
        try (ImageInputStream in = new MemoryCacheImageInputStream(new ByteArrayInputStream(encoded))) {
            reader.setInput(in, true, true);
            int width = reader.getWidth(0);
            int height = reader.getHeight(0);
            checkDimensions(format, width, height);
            BufferedImage image = reader.read(0, reader.getDefaultReadParam());
            if (image.getWidth() != width || image.getHeight() != height) {
                throw error(DecodeException.Reason.CORRUPT, format + " header says " + width + "x" + height
                        + " but decoded " + image.getWidth() + "x" + image.getHeight());
            }
            return resizeAndNormalize(image);
        } finally {
            reader.dispose();
        }
    }

    private void checkDimensions(String format, int width, int height) throws DecodeException {
        if (width <= 0 || height <= 0) {
            throw error(DecodeException.Reason.INVALID_HEADER, format + " header has dimensions "
                    + width + "x" + height);
        }
        long pixels = (long) width * height;
        if (pixels > limits.maxImagePixels()) {
            throw error(DecodeException.Reason.TOO_LARGE, String.format(Locale.ROOT,
                    "%dx%d = %s Mpx exceeds %s=%d", width, height, megapixels(pixels),
                    DecodeLimits.IMAGE_MAX_PIXELS, limits.maxImagePixels()));
        }
    }

    private float[] resizeAndNormalize(BufferedImage image) {
        int w = image.getWidth();
        int h = image.getHeight();
        ResampleAxis xAxis = new ResampleAxis(w, size);
        ResampleAxis yAxis = new ResampleAxis(h, size);
        RowReader rows = new RowReader(image);
        double[] row = new double[w * 3];
        double[] resampledRow = new double[size * 3];
        double[] acc = new double[size * size * 3];
        int firstOpenOutput = 0;
        for (int y = 0; y < h; y++) {
            rows.read(y, row);
            xAxis.resampleInterleaved(row, resampledRow, 3);
            // Output rows reading source row y form a contiguous, forward-moving range.
            while (firstOpenOutput < size && yAxis.last(firstOpenOutput) < y) {
                firstOpenOutput++;
            }
            for (int o = firstOpenOutput; o < size && yAxis.first(o) <= y; o++) {
                double wy = yAxis.weight(o, y);
                int base = o * size * 3;
                for (int i = 0; i < size * 3; i++) {
                    acc[base + i] += wy * resampledRow[i];
                }
            }
        }
        float[] out = new float[3 * size * size];
        int planeSize = size * size;
        for (int c = 0; c < 3; c++) {
            double m = mean[c];
            double s = std[c];
            int offset = plane[c] * planeSize;
            for (int p = 0; p < planeSize; p++) {
                out[offset + p] = (float) ((acc[p * 3 + c] - m) / s);
            }
        }
        return out;
    }

    /** Reads one image row as interleaved RGB in [0, 1], alpha already composited over white. */
    private static final class RowReader {
        private final BufferedImage image;
        private final Raster raster;
        private final ColorModel cm;
        private final Kind kind;
        private final int bands;
        private final double[] bandScale;
        private final int[] buf;
        private double[] paletteRgb;

        private enum Kind { GRAY, RGB, INDEXED, GENERIC }

        RowReader(BufferedImage image) {
            this.image = image;
            this.raster = image.getRaster();
            this.cm = image.getColorModel();
            this.bands = raster.getNumBands();
            this.kind = kindOf(cm, bands);
            this.bandScale = new double[bands];
            if (kind == Kind.GRAY || kind == Kind.RGB) {
                for (int b = 0; b < bands; b++) {
                    bandScale[b] = 1.0 / ((1L << cm.getComponentSize(b)) - 1);
                }
            }
            this.buf = new int[image.getWidth() * (kind == Kind.GENERIC ? 1 : bands)];
        }

        private static Kind kindOf(ColorModel cm, int bands) {
            if (cm instanceof IndexColorModel && bands == 1) {
                return Kind.INDEXED;
            }
            int transfer = cm.getTransferType();
            boolean integral = transfer == DataBuffer.TYPE_BYTE || transfer == DataBuffer.TYPE_USHORT;
            if (cm instanceof ComponentColorModel && integral && bands == cm.getNumComponents()) {
                int colours = cm.getNumColorComponents();
                int csType = cm.getColorSpace().getType();
                if (colours == 1 && csType == ColorSpace.TYPE_GRAY) {
                    return Kind.GRAY;
                }
                if (colours == 3 && csType == ColorSpace.TYPE_RGB) {
                    return Kind.RGB;
                }
            }
            return Kind.GENERIC;
        }

        void read(int y, double[] rgb) {
            int w = image.getWidth();
            switch (kind) {
                case INDEXED -> {
                    raster.getPixels(0, y, w, 1, buf);
                    double[] lut = palette();
                    for (int x = 0; x < w; x++) {
                        int i = buf[x];
                        if (i >= 0 && i < lut.length / 3) {
                            rgb[x * 3] = lut[i * 3];
                            rgb[x * 3 + 1] = lut[i * 3 + 1];
                            rgb[x * 3 + 2] = lut[i * 3 + 2];
                        } else {
                            argb(cm.getRGB(i), rgb, x);
                        }
                    }
                }
                case GENERIC -> {
                    image.getRGB(0, y, w, 1, buf, 0, w);
                    for (int x = 0; x < w; x++) {
                        argb(buf[x], rgb, x);
                    }
                }
                default -> components(y, w, rgb);
            }
        }

        /**
         * {@link #argb} of the palette's entries (computed once per image): the same doubles as converting each
         * pixel's colour, without the per-pixel colour-model call. Samples past the table are converted one by one.
         */
        private double[] palette() {
            if (paletteRgb == null) {
                int entries = Math.min(1 << Math.min(raster.getSampleModel().getSampleSize(0), 12),
                        ((IndexColorModel) cm).getMapSize());
                paletteRgb = new double[entries * 3];
                for (int i = 0; i < entries; i++) {
                    argb(cm.getRGB(i), paletteRgb, i);
                }
            }
            return paletteRgb;
        }

        private void components(int y, int w, double[] rgb) {
            raster.getPixels(0, y, w, 1, buf);
            int colours = kind == Kind.GRAY ? 1 : 3;
            boolean alpha = cm.hasAlpha();
            if (!alpha) {
                // composite(v, 1.0, ...) is v: no alpha, no compositing.
                if (colours == 1) {
                    double scale = bandScale[0];
                    for (int x = 0; x < w; x++) {
                        double v = buf[x * bands] * scale;
                        rgb[x * 3] = v;
                        rgb[x * 3 + 1] = v;
                        rgb[x * 3 + 2] = v;
                    }
                } else {
                    double r = bandScale[0];
                    double g = bandScale[1];
                    double b = bandScale[2];
                    for (int x = 0; x < w; x++) {
                        int p = x * bands;
                        rgb[x * 3] = buf[p] * r;
                        rgb[x * 3 + 1] = buf[p + 1] * g;
                        rgb[x * 3 + 2] = buf[p + 2] * b;
                    }
                }
                return;
            }
            boolean premultiplied = cm.isAlphaPremultiplied();
            for (int x = 0; x < w; x++) {
                int p = x * bands;
                double a = buf[p + colours] * bandScale[colours];
                for (int c = 0; c < 3; c++) {
                    int b = colours == 1 ? 0 : c;
                    double v = buf[p + b] * bandScale[b];
                    rgb[x * 3 + c] = composite(v, a, premultiplied);
                }
            }
        }

        private static void argb(int argb, double[] rgb, int x) {
            double a = ((argb >>> 24) & 0xFF) / 255.0;
            rgb[x * 3] = composite(((argb >> 16) & 0xFF) / 255.0, a, false);
            rgb[x * 3 + 1] = composite(((argb >> 8) & 0xFF) / 255.0, a, false);
            rgb[x * 3 + 2] = composite((argb & 0xFF) / 255.0, a, false);
        }

        private static double composite(double c, double a, boolean premultiplied) {
            if (a >= 1.0) {
                return c;
            }
            return (premultiplied ? c : c * a) + (1.0 - a);
        }
    }

    private static ImageReader readerFor(String format) throws DecodeException {
        Iterator<ImageReader> readers = ImageIO.getImageReadersByFormatName(format);
        if (!readers.hasNext()) {
            throw new DecodeException(Modality.IMAGE, DecodeException.Reason.UNSUPPORTED_FORMAT,
                    "no " + format + " decoder available in this JVM");
        }
        return readers.next();
    }

    private static String sniff(byte[] b) throws DecodeException {
        if (startsWith(b, PNG_MAGIC)) {
            return "png";
        }
        if (b.length >= 3 && (b[0] & 0xFF) == 0xFF && (b[1] & 0xFF) == 0xD8 && (b[2] & 0xFF) == 0xFF) {
            return "jpeg";
        }
        throw new DecodeException(Modality.IMAGE, DecodeException.Reason.UNSUPPORTED_FORMAT,
                "not a PNG or JPEG (" + b.length + " bytes, starting " + hexPrefix(b) + ")");
    }

    private static boolean startsWith(byte[] b, byte[] prefix) {
        if (b.length < prefix.length) {
            return false;
        }
        for (int i = 0; i < prefix.length; i++) {
            if (b[i] != prefix[i]) {
                return false;
            }
        }
        return true;
    }

    private static String hexPrefix(byte[] b) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < Math.min(8, b.length); i++) {
            sb.append(String.format(Locale.ROOT, "%02x", b[i] & 0xFF));
        }
        return sb.toString();
    }

    private static String megapixels(long pixels) {
        double mpx = pixels / 1e6;
        return mpx >= 10 ? String.format(Locale.ROOT, "%.0f", mpx) : String.format(Locale.ROOT, "%.1f", mpx);
    }

    private static void copyTriple(String name, List<Double> values, double[] into) {
        if (values == null || values.size() != 3) {
            throw new IllegalArgumentException(name + " must have 3 values, got " + values);
        }
        for (int i = 0; i < 3; i++) {
            into[i] = values.get(i);
        }
    }

    private static DecodeException error(DecodeException.Reason reason, String detail) {
        return new DecodeException(Modality.IMAGE, reason, detail);
    }

    private static DecodeException error(DecodeException.Reason reason, String detail, Throwable cause) {
        return new DecodeException(Modality.IMAGE, reason, detail, cause);
    }
}
