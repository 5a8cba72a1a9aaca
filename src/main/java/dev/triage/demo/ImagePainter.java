package dev.triage.demo;

import java.awt.image.BufferedImage;
import java.awt.image.DataBuffer;
import java.awt.image.WritableRaster;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.util.SplittableRandom;
import javax.imageio.IIOImage;
import javax.imageio.ImageIO;
import javax.imageio.ImageWriteParam;
import javax.imageio.ImageWriter;
import javax.imageio.stream.MemoryCacheImageOutputStream;

/**
 * Paints a post's image pixel by pixel (no AWT rendering; trigonometry by {@link StrictMath}) and encodes it.
 *
 * <p>Base content: a two-colour gradient and 2-6 translucent circles, ellipses or rectangles, all in "neutral"
 * colours (hue away from red, never pure black or white), 80-200 px per side. The QR cue is a black and white
 * grid of 7-11 modules a side (each module at least ~1.25 px once resized to 64 px) with a quiet zone and three
 * finder squares; the splatter cue an irregular saturated-red blob with
 * droplets. Encodings vary: JPEG or PNG, RGB, RGBA (translucent background), palette, 8- or 16-bit greyscale
 * (greyscale only when there is no red splatter, which greyscale would erase).
 */
final class ImagePainter {
    /** A painted and encoded image. */
    record Encoded(byte[] bytes, String contentType) {}

    private ImagePainter() {}

    static Encoded paint(boolean qr, boolean splatter, SplittableRandom rnd) {
        int w = 80 + rnd.nextInt(121);
        int h = 80 + rnd.nextInt(121);
        int[] rgb = new int[w * h];
        gradient(rgb, w, h, neutralColour(rnd), neutralColour(rnd), rnd);
        int shapes = 2 + rnd.nextInt(5);
        for (int i = 0; i < shapes; i++) {
            shape(rgb, w, h, neutralColour(rnd), rnd);
        }
        // Both cues: each gets its own half of the canvas (split along the longer side), so neither hides the other.
        Region whole = new Region(0, 0, w, h);
        Region qrRegion = whole;
        Region splatterRegion = whole;
        if (qr && splatter) {
            boolean first = rnd.nextBoolean();
            Region a = w >= h ? new Region(0, 0, w / 2, h) : new Region(0, 0, w, h / 2);
            Region b = w >= h ? new Region(w / 2, 0, w, h) : new Region(0, h / 2, w, h);
            qrRegion = first ? a : b;
            splatterRegion = first ? b : a;
        }
        if (qr) {
            qrGrid(rgb, w, h, qrRegion, rnd);
        }
        if (splatter) {
            splatter(rgb, w, h, splatterRegion, rnd);
        }
        return encode(rgb, w, h, splatter, rnd);
    }

    // ---- base content ----

    private static int neutralColour(SplittableRandom rnd) {
        double hue = 40 + rnd.nextDouble() * 280; // 40..320 degrees: no reds
        double sat = 0.2 + rnd.nextDouble() * 0.6;
        double val = 0.35 + rnd.nextDouble() * 0.6;
        return hsv(hue, sat, val);
    }

    private static void gradient(int[] rgb, int w, int h, int c0, int c1, SplittableRandom rnd) {
        double angle = rnd.nextDouble() * 2 * Math.PI;
        double dx = StrictMath.cos(angle);
        double dy = StrictMath.sin(angle);
        double min = Math.min(0, dx * (w - 1)) + Math.min(0, dy * (h - 1));
        double max = Math.max(0, dx * (w - 1)) + Math.max(0, dy * (h - 1));
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                double t = max > min ? ((x * dx + y * dy) - min) / (max - min) : 0;
                rgb[y * w + x] = mix(c0, c1, t);
            }
        }
    }

    private static void shape(int[] rgb, int w, int h, int colour, SplittableRandom rnd) {
        double opacity = 0.5 + rnd.nextDouble() * 0.5;
        double cx = rnd.nextDouble() * w;
        double cy = rnd.nextDouble() * h;
        double rx = (0.05 + rnd.nextDouble() * 0.25) * w;
        double ry = (0.05 + rnd.nextDouble() * 0.25) * h;
        int kind = rnd.nextInt(3);
        if (kind == 0) {
            ry = rx = Math.min(rx, ry * w / (double) h);
        }
        for (int y = Math.max(0, (int) (cy - ry)); y < Math.min(h, (int) (cy + ry) + 1); y++) {
            for (int x = Math.max(0, (int) (cx - rx)); x < Math.min(w, (int) (cx + rx) + 1); x++) {
                double nx = (x - cx) / rx;
                double ny = (y - cy) / ry;
                boolean inside = kind == 2 || nx * nx + ny * ny <= 1;
                if (inside) {
                    rgb[y * w + x] = mix(rgb[y * w + x], colour, opacity);
                }
            }
        }
    }

    // ---- cues ----

    /** A rectangle {@code [x0, x1) x [y0, y1)} of the canvas. */
    private record Region(int x0, int y0, int x1, int y1) {
        int width() {
            return x1 - x0;
        }

        int height() {
            return y1 - y0;
        }
    }

    private static void qrGrid(int[] rgb, int w, int h, Region region, SplittableRandom rnd) {
        int n = 7 + rnd.nextInt(5); // modules per side
        int side = Math.min(region.width(), region.height());
        // At least ~1.25 px per module once the image is resized to 64 px, so the grid survives preprocessing.
        int minModule = (int) Math.ceil(1.25 * Math.max(w, h) / 64.0);
        int module = Math.max(minModule, (int) (side * (0.5 + rnd.nextDouble() * 0.4) / (n + 2)));
        module = Math.max(1, Math.min(module, Math.min(w, h) / (n + 2)));
        int total = (n + 2) * module; // with a one-module quiet zone
        int x0 = region.x0() + rnd.nextInt(Math.max(1, region.width() - total + 1));
        int y0 = region.y0() + rnd.nextInt(Math.max(1, region.height() - total + 1));
        boolean[][] dark = new boolean[n][n];
        for (int i = 0; i < n; i++) {
            for (int j = 0; j < n; j++) {
                dark[i][j] = rnd.nextBoolean();
            }
        }
        finder(dark, 0, 0);
        finder(dark, 0, n - 3);
        finder(dark, n - 3, 0);
        for (int py = 0; py < total; py++) {
            for (int px = 0; px < total; px++) {
                int x = x0 + px;
                int y = y0 + py;
                if (x >= w || y >= h) {
                    continue;
                }
                int mi = py / module - 1;
                int mj = px / module - 1;
                boolean isDark = mi >= 0 && mj >= 0 && mi < n && mj < n && dark[mi][mj];
                rgb[y * w + x] = isDark ? 0x000000 : 0xFFFFFF;
            }
        }
    }

    private static void finder(boolean[][] dark, int i0, int j0) {
        for (int i = 0; i < 3; i++) {
            for (int j = 0; j < 3; j++) {
                dark[i0 + i][j0 + j] = true;
            }
        }
    }

    private static void splatter(int[] rgb, int w, int h, Region region, SplittableRandom rnd) {
        int side = Math.min(region.width(), region.height());
        double r0 = side * (0.1 + rnd.nextDouble() * 0.15);
        double cx = region.x0() + r0 + rnd.nextDouble() * Math.max(1, region.width() - 2 * r0);
        double cy = region.y0() + r0 + rnd.nextDouble() * Math.max(1, region.height() - 2 * r0);
        int red = hsv(rnd.nextDouble() * 8, 0.85 + rnd.nextDouble() * 0.15, 0.6 + rnd.nextDouble() * 0.3);
        // Irregular main blob: radius modulated by a few random harmonics of the angle.
        double[] amp = {0.12 + rnd.nextDouble() * 0.1, 0.05 + rnd.nextDouble() * 0.1, rnd.nextDouble() * 0.08};
        int[] freq = {3 + rnd.nextInt(3), 5 + rnd.nextInt(4), 9 + rnd.nextInt(5)};
        double[] phase = {rnd.nextDouble() * 6.283, rnd.nextDouble() * 6.283, rnd.nextDouble() * 6.283};
        double reach = r0 * 1.4;
        for (int y = Math.max(0, (int) (cy - reach)); y < Math.min(h, (int) (cy + reach) + 1); y++) {
            for (int x = Math.max(0, (int) (cx - reach)); x < Math.min(w, (int) (cx + reach) + 1); x++) {
                double dx = x - cx;
                double dy = y - cy;
                double theta = StrictMath.atan2(dy, dx);
                double r = r0;
                for (int k = 0; k < 3; k++) {
                    r += r0 * amp[k] * StrictMath.sin(freq[k] * theta + phase[k]);
                }
                if (dx * dx + dy * dy <= r * r) {
                    rgb[y * w + x] = red;
                }
            }
        }
        int droplets = 6 + rnd.nextInt(12);
        for (int i = 0; i < droplets; i++) {
            double a = rnd.nextDouble() * 2 * Math.PI;
            double d = r0 * (1.1 + rnd.nextDouble() * 1.4);
            double dr = 1 + rnd.nextDouble() * Math.max(1, r0 * 0.25);
            disc(rgb, w, h, cx + d * StrictMath.cos(a), cy + d * StrictMath.sin(a), dr, red);
        }
    }

    private static void disc(int[] rgb, int w, int h, double cx, double cy, double r, int colour) {
        for (int y = Math.max(0, (int) (cy - r)); y < Math.min(h, (int) (cy + r) + 1); y++) {
            for (int x = Math.max(0, (int) (cx - r)); x < Math.min(w, (int) (cx + r) + 1); x++) {
                if ((x - cx) * (x - cx) + (y - cy) * (y - cy) <= r * r) {
                    rgb[y * w + x] = colour;
                }
            }
        }
    }

    // ---- encoding ----

    private static Encoded encode(int[] rgb, int w, int h, boolean hasRed, SplittableRandom rnd) {
        double u = rnd.nextDouble();
        if (u < 0.35) {
            return jpeg(rgbImage(rgb, w, h, BufferedImage.TYPE_INT_RGB), rnd);
        }
        if (u < 0.60) {
            return png(rgbImage(rgb, w, h, BufferedImage.TYPE_INT_RGB));
        }
        if (u < 0.72) {
            return png(translucent(rgb, w, h, rnd));
        }
        if (u < 0.78) {
            return png(rgbImage(rgb, w, h, BufferedImage.TYPE_BYTE_INDEXED));
        }
        if (hasRed) {
            return png(rgbImage(rgb, w, h, BufferedImage.TYPE_INT_RGB));
        }
        if (u < 0.86) {
            return png(grey(rgb, w, h, false));
        }
        if (u < 0.93) {
            return jpeg(grey(rgb, w, h, false), rnd);
        }
        return png(grey(rgb, w, h, true));
    }

    private static BufferedImage rgbImage(int[] rgb, int w, int h, int type) {
        BufferedImage img = new BufferedImage(w, h, type);
        img.setRGB(0, 0, w, h, rgb, 0, w);
        return img;
    }

    /** Opaque content over a background whose alpha fades towards one side; the cues stay opaque. */
    private static BufferedImage translucent(int[] rgb, int w, int h, SplittableRandom rnd) {
        BufferedImage img = new BufferedImage(w, h, BufferedImage.TYPE_INT_ARGB);
        double minAlpha = 0.3 + rnd.nextDouble() * 0.5;
        int[] argb = new int[w * h];
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = rgb[y * w + x];
                boolean cue = c == 0x000000 || c == 0xFFFFFF || isRed(c);
                double a = cue ? 1.0 : minAlpha + (1 - minAlpha) * x / Math.max(1, w - 1);
                argb[y * w + x] = ((int) Math.round(a * 255) << 24) | c;
            }
        }
        img.setRGB(0, 0, w, h, argb, 0, w);
        return img;
    }

    private static boolean isRed(int c) {
        int r = (c >> 16) & 0xFF;
        int g = (c >> 8) & 0xFF;
        int b = c & 0xFF;
        return r > 100 && g < 60 && b < 60;
    }

    /** Luma greyscale written straight into the raster (avoids Java2D's linear-grey conversion). */
    private static BufferedImage grey(int[] rgb, int w, int h, boolean sixteenBit) {
        BufferedImage img = new BufferedImage(w, h,
                sixteenBit ? BufferedImage.TYPE_USHORT_GRAY : BufferedImage.TYPE_BYTE_GRAY);
        WritableRaster raster = img.getRaster();
        int max = raster.getTransferType() == DataBuffer.TYPE_USHORT ? 65535 : 255;
        for (int y = 0; y < h; y++) {
            for (int x = 0; x < w; x++) {
                int c = rgb[y * w + x];
                double luma = (0.299 * ((c >> 16) & 0xFF) + 0.587 * ((c >> 8) & 0xFF) + 0.114 * (c & 0xFF)) / 255;
                raster.setSample(x, y, 0, (int) Math.round(luma * max));
            }
        }
        return img;
    }

    private static Encoded png(BufferedImage img) {
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try {
            if (!ImageIO.write(img, "png", out)) {
                throw new IllegalStateException("no PNG writer for image type " + img.getType());
            }
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        }
        return new Encoded(out.toByteArray(), "image/png");
    }

    private static Encoded jpeg(BufferedImage img, SplittableRandom rnd) {
        ImageWriter writer = ImageIO.getImageWritersByFormatName("jpeg").next();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        try (MemoryCacheImageOutputStream stream = new MemoryCacheImageOutputStream(out)) {
            ImageWriteParam param = writer.getDefaultWriteParam();
            param.setCompressionMode(ImageWriteParam.MODE_EXPLICIT);
            param.setCompressionQuality((float) (0.7 + rnd.nextDouble() * 0.25));
            writer.setOutput(stream);
            writer.write(null, new IIOImage(img, null, null), param);
        } catch (IOException e) {
            throw new UncheckedIOException(e);
        } finally {
            writer.dispose();
        }
        return new Encoded(out.toByteArray(), "image/jpeg");
    }

    // ---- colour helpers ----

    private static int mix(int a, int b, double t) {
        int r = (int) Math.round(((a >> 16) & 0xFF) * (1 - t) + ((b >> 16) & 0xFF) * t);
        int g = (int) Math.round(((a >> 8) & 0xFF) * (1 - t) + ((b >> 8) & 0xFF) * t);
        int bl = (int) Math.round((a & 0xFF) * (1 - t) + (b & 0xFF) * t);
        return (r << 16) | (g << 8) | bl;
    }

    private static int hsv(double hueDegrees, double s, double v) {
        double h = (hueDegrees % 360 + 360) % 360 / 60;
        int sector = (int) Math.floor(h);
        double f = h - sector;
        double p = v * (1 - s);
        double q = v * (1 - s * f);
        double t = v * (1 - s * (1 - f));
        double[] c = switch (sector) {
            case 0 -> new double[] {v, t, p};
            case 1 -> new double[] {q, v, p};
            case 2 -> new double[] {p, v, t};
            case 3 -> new double[] {p, q, v};
            case 4 -> new double[] {t, p, v};
            default -> new double[] {v, p, q};
        };
        return ((int) Math.round(c[0] * 255) << 16) | ((int) Math.round(c[1] * 255) << 8)
                | (int) Math.round(c[2] * 255);
    }
}
