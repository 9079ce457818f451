package io.rune.shim.task;

import com.google.protobuf.Any;
import com.google.protobuf.InvalidProtocolBufferException;
import io.rune.shim.api.Anys;
import io.rune.shim.api.cri.Options;
import io.rune.shim.api.runc.legacy.CreateOptions;
import io.rune.shim.api.runc.legacy.RuncOptions;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;

/**
 * Decodes runtime options from any of the messages containerd sends them in:
 * {@code containerd.runc.v1.Options}, the older {@code containerd.linux.runc.RuncOptions} /
 * {@code CreateOptions} (Go client, runtime names outside io.containerd.runc) and CRI's
 * {@code runtimeoptions.v1.Options} (a TOML file with the runtime's options table).
 */
public final class OptionsDecoder {
    static final String RUNC_V1 = "containerd.runc.v1.Options";
    static final String LEGACY_RUNC = "containerd.linux.runc.RuncOptions";
    static final String LEGACY_CREATE = "containerd.linux.runc.CreateOptions";
    static final String CRI = "runtimeoptions.v1.Options";

    private OptionsDecoder() {}

    public static RuntimeOptions decode(Any any) {
        if (any == null || any.getTypeUrl().isEmpty()) return RuntimeOptions.DEFAULTS;
        String name = Anys.typeName(any.getTypeUrl()); // typeurl v2 accepts any "prefix/Name"
        try {
            return switch (name) {
                case RUNC_V1 -> fromRuncV1(io.rune.shim.api.runc.Options.parseFrom(any.getValue()));
                case LEGACY_RUNC -> {
                    RuncOptions o = RuncOptions.parseFrom(any.getValue());
                    yield new RuntimeOptions(o.getRuntime(), o.getRuntimeRoot(), false, false, "", 0, 0,
                            o.getCriuPath(), o.getSystemdCgroup(), "", "", "");
                }
                case LEGACY_CREATE -> {
                    CreateOptions o = CreateOptions.parseFrom(any.getValue());
                    yield new RuntimeOptions("", "", o.getNoPivotRoot(), o.getNoNewKeyring(), o.getShimCgroup(),
                            o.getIoUid(), o.getIoGid(), "", false, o.getCriuImagePath(), o.getCriuWorkPath(), "");
                }
                case CRI -> fromCri(Options.parseFrom(any.getValue()));
                default -> throw ShimError.invalidArgument("unsupported runtime options type " + any.getTypeUrl()
                        + " (accepted: " + RUNC_V1 + ", " + LEGACY_RUNC + ", " + LEGACY_CREATE + ", " + CRI + ")");
            };
        } catch (InvalidProtocolBufferException e) {
            throw ShimError.invalidArgument("cannot decode runtime options " + any.getTypeUrl() + ": " + e.getMessage());
        }
    }

    /** A TOML options table (an options file, or the shim's node-wide config.toml); source names it in errors. */
    public static RuntimeOptions fromToml(String text, String source) {
        return OptionsToml.parse(text, source);
    }

    static RuntimeOptions fromRuncV1(io.rune.shim.api.runc.Options o) {
        return new RuntimeOptions(o.getBinaryName(), o.getRoot(), o.getNoPivotRoot(), o.getNoNewKeyring(),
                o.getShimCgroup(), o.getIoUid(), o.getIoGid(), o.getCriuPath(), o.getSystemdCgroup(),
                o.getCriuImagePath(), o.getCriuWorkPath(), "");
    }

    private static RuntimeOptions fromCri(Options o) {
        String text;
        String source;
        if (!o.getConfigBody().isEmpty()) {
            text = o.getConfigBody().toString(StandardCharsets.UTF_8);
            source = "config_body";
        } else if (!o.getConfigPath().isEmpty()) {
            source = o.getConfigPath();
            try {
                text = Files.readString(Path.of(source));
            } catch (IOException e) {
                throw ShimError.invalidArgument("cannot read runtime options file " + source + ": " + e);
            }
        } else {
            return RuntimeOptions.DEFAULTS;
        }
        return OptionsToml.parse(text, source);
    }
}
