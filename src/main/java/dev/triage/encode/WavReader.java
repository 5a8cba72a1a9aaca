package dev.triage.encode;

import dev.triage.avro.Modality;
import java.nio.charset.StandardCharsets;
import java.util.Locale;

/**
 * A small RIFF/WAVE parser: finds the {@code fmt } and {@code data} chunks, skipping any other chunk, and says where
 * the samples are. Reads PCM 8-bit unsigned, 16/24/32-bit signed (other bit depths in byte containers, left
 * justified, are read by their container), IEEE float 32/64, plain or WAVE_FORMAT_EXTENSIBLE.
 *
 * <p>Sizes are checked against the bytes actually there: a chunk (fmt or other) that runs past the end of the
 * file is an error, except a {@code data} chunk whose size is {@code 0xFFFFFFFF} (written by streaming encoders
 * that could not seek back), which is clamped to the bytes available. The RIFF size field is ignored.
 */
final class WavReader {
    static final int MIN_RATE = 1_000;
    static final int MAX_RATE = 768_000;
    static final int MAX_CHANNELS = 32;

    private static final int TAG_PCM = 0x0001;
    private static final int TAG_FLOAT = 0x0003;
    private static final int TAG_EXTENSIBLE = 0xFFFE;
    private static final long STREAMING_SIZE = 0xFFFFFFFFL;
    /** KSDATAFORMAT_SUBTYPE_* GUIDs share these bytes after their first two (the format tag). */
    private static final byte[] GUID_SUFFIX = {0x00, 0x00, 0x00, 0x00, 0x10, 0x00, (byte) 0x80, 0x00,
            0x00, (byte) 0xAA, 0x00, 0x38, (byte) 0x9B, 0x71};

    private WavReader() {}

    static PcmLayout parse(byte[] b) throws DecodeException {
        if (b.length < 12 || !ascii(b, 0).equals("RIFF") || !ascii(b, 8).equals("WAVE")) {
            String start = b.length >= 4 ? ascii(b, 0) : "";
            if (start.equals("RIFX") || start.equals("RF64")) {
                throw error(DecodeException.Reason.UNSUPPORTED_FORMAT, start + " WAV files are not supported");
            }
            if (start.equals("RIFF") && b.length < 12) {
                throw error(DecodeException.Reason.INVALID_HEADER, "WAV header truncated at " + b.length + " bytes");
            }
            throw error(DecodeException.Reason.UNSUPPORTED_FORMAT,
                    "not a RIFF/WAVE file (" + b.length + " bytes)");
        }
        Format format = null;
        int dataOffset = -1;
        long dataLength = 0;
        int pos = 12;
        while (pos <= b.length - 8) {
            String id = ascii(b, pos);
            long size = u32(b, pos + 4);
            int body = pos + 8;
            long remaining = b.length - body;
            if (id.equals("data")) {
                if (size == STREAMING_SIZE) {
                    size = remaining;
                } else if (size > remaining) {
                    throw error(DecodeException.Reason.INVALID_HEADER, "data chunk claims " + size
                            + " bytes but only " + remaining + " remain (truncated file?)");
                }
                dataOffset = body;
                dataLength = size;
                if (format != null) {
                    break;
                }
            } else {
                if (size > remaining) {
                    throw error(DecodeException.Reason.INVALID_HEADER, "'" + printable(id) + "' chunk at offset "
                            + pos + " claims " + size + " bytes but only " + remaining + " remain");
                }
                if (id.equals("fmt ")) {
                    if (format != null) {
                        throw error(DecodeException.Reason.INVALID_HEADER, "two fmt chunks");
                    }
                    format = Format.parse(b, body, (int) size);
                    if (dataOffset >= 0) {
                        break;
                    }
                }
            }
            pos = (int) Math.min(Integer.MAX_VALUE, body + size + (size & 1));
        }
        if (format == null) {
            throw error(DecodeException.Reason.INVALID_HEADER, "no fmt chunk");
        }
        if (dataOffset < 0) {
            throw error(DecodeException.Reason.INVALID_HEADER, "no data chunk");
        }
        int frames = (int) (dataLength / ((long) format.sample.bytes() * format.channels));
        return new PcmLayout(format.sample, format.rate, format.channels, dataOffset, frames);
    }

    private record Format(SampleFormat sample, int rate, int channels) {

        static Format parse(byte[] b, int at, int size) throws DecodeException {
            if (size < 16) {
                throw error(DecodeException.Reason.INVALID_HEADER, "fmt chunk of " + size
                        + " bytes is shorter than 16");
            }
            int tag = u16(b, at);
            int channels = u16(b, at + 2);
            long rate = u32(b, at + 4);
            int blockAlign = u16(b, at + 12);
            int bits = u16(b, at + 14);
            if (tag == TAG_EXTENSIBLE) {
                if (size < 40) {
                    throw error(DecodeException.Reason.INVALID_HEADER, "WAVE_FORMAT_EXTENSIBLE fmt chunk of "
                            + size + " bytes is shorter than 40");
                }
                for (int i = 0; i < GUID_SUFFIX.length; i++) {
                    if (b[at + 26 + i] != GUID_SUFFIX[i]) {
                        throw error(DecodeException.Reason.UNSUPPORTED_FORMAT,
                                "WAVE_FORMAT_EXTENSIBLE with an unknown sub-format GUID");
                    }
                }
                tag = u16(b, at + 24);
            }
            if (channels == 0 || channels > MAX_CHANNELS) {
                throw error(DecodeException.Reason.INVALID_HEADER, "header says " + channels
                        + " channels (1.." + MAX_CHANNELS + " accepted)");
            }
            if (rate < MIN_RATE || rate > MAX_RATE) {
                throw error(DecodeException.Reason.INVALID_HEADER, "header says " + rate
                        + " Hz (" + MIN_RATE + ".." + MAX_RATE + " accepted)");
            }
            if (bits == 0 || bits > 64) {
                throw error(DecodeException.Reason.INVALID_HEADER, "header says " + bits + " bits per sample");
            }
            SampleFormat sample = switch (tag) {
                case TAG_PCM -> switch ((bits + 7) / 8) {
                    case 1 -> SampleFormat.U8;
                    case 2 -> SampleFormat.S16;
                    case 3 -> SampleFormat.S24;
                    case 4 -> SampleFormat.S32;
                    default -> throw error(DecodeException.Reason.UNSUPPORTED_FORMAT, bits + "-bit integer PCM");
                };
                case TAG_FLOAT -> switch (bits) {
                    case 32 -> SampleFormat.F32;
                    case 64 -> SampleFormat.F64;
                    default -> throw error(DecodeException.Reason.INVALID_HEADER, bits + "-bit IEEE float");
                };
                default -> throw error(DecodeException.Reason.UNSUPPORTED_FORMAT,
                        String.format(Locale.ROOT, "WAV format tag 0x%04X (only PCM and IEEE float)", tag));
            };
            if (blockAlign != channels * sample.bytes()) {
                throw error(DecodeException.Reason.INVALID_HEADER, "block align " + blockAlign + " does not match "
                        + channels + " channels x " + bits + " bits");
            }
            return new Format(sample, (int) rate, channels);
        }
    }

    private static int u16(byte[] b, int o) {
        return (b[o] & 0xFF) | ((b[o + 1] & 0xFF) << 8);
    }

    private static long u32(byte[] b, int o) {
        return (b[o] & 0xFFL) | ((b[o + 1] & 0xFFL) << 8) | ((b[o + 2] & 0xFFL) << 16) | ((b[o + 3] & 0xFFL) << 24);
    }

    private static String ascii(byte[] b, int o) {
        return new String(b, o, 4, StandardCharsets.ISO_8859_1);
    }

    private static String printable(String id) {
        StringBuilder sb = new StringBuilder();
        for (char c : id.toCharArray()) {
            sb.append(c >= 0x20 && c < 0x7F ? c : '?');
        }
        return sb.toString();
    }

    private static DecodeException error(DecodeException.Reason reason, String detail) {
        return new DecodeException(Modality.AUDIO, reason, detail);
    }
}
